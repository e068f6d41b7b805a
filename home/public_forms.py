"""The two forms the public sends: an objection during a publicity window, and a certificate lookup.
Both are rate-limited per client; neither is ever served from the page cache."""

import re

from django_ratelimit.core import is_ratelimited

from roster import privacy

from . import chrome
from .forms import PublicObjectionForm
from .public import certificate

OBJECTIONS_PER_HOUR = "5/h"
CERTIFICATE_LOOKUPS_PER_MINUTE = "10/m"
CERTIFICATE_NUMBER_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9\-]{0,29}")


def objection(notice, request):
    """Objections from the public (Art 9(2), 9(5)), on the notice's own address so the notice stays cacheable."""
    context = {
        "objection_form": None,
        "window": notice.window(request),
        "privacy_notice": privacy.notice("objection", chrome.contact_line(request)),
    }
    status = 200
    if not notice.accepts_objections():
        context["objection_error"] = "公示期已结束（或尚未开始），不再受理网上异议。"
        status = 403 if request.method == "POST" else 200
    elif request.method == "POST":
        form = PublicObjectionForm(notice, request.POST, request.FILES)
        context["objection_form"] = form
        status = 400
        if is_ratelimited(request, group="public-objection", key="ip", rate=OBJECTIONS_PER_HOUR, increment=True):
            context["objection_error"] = "提交过于频繁，请稍后再试，或通过电话、邮件反映。"
            status = 429
        elif form.is_valid():
            context["objection_reference"] = form.save().reference
            context["objection_form"] = None
            status = 200
    else:
        context["objection_form"] = PublicObjectionForm(notice)
    response = notice.render(request, template="home/publicity_objection.html", context_overrides=context)
    response.status_code = status
    return response


def verify_certificate(roster_page, request):
    number = (request.GET.get("number") or "").strip().upper()[:30]
    context = {"number": number, "result": None, "not_found": False, "limited": False}
    status = 200
    if number:
        if is_ratelimited(
            request, group="certificate-verify", key="ip", rate=CERTIFICATE_LOOKUPS_PER_MINUTE, increment=True
        ):
            context["limited"] = True
            status = 429
        elif not CERTIFICATE_NUMBER_SHAPE.fullmatch(number):
            context["not_found"] = True  # never a query for input that cannot be a number
        else:
            context["result"] = certificate(number)
            context["not_found"] = context["result"] is None
    response = roster_page.render(request, template="home/roster_verify.html", context_overrides=context)
    response.status_code = status
    # Every lookup must reach the rate limit: never served from the page cache.
    response["Cache-Control"] = "private, no-store"
    return response
