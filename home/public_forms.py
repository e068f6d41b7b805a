"""The two forms the public sends: an objection during a publicity window, and a certificate lookup.
Both are rate-limited per client; neither is ever served from the page cache."""

import re

from django.shortcuts import redirect, render
from django_ratelimit.core import is_ratelimited

from roster import privacy

from . import chrome
from .forms import ObjectionLookupForm, PublicObjectionForm
from .public import certificate

OBJECTIONS_PER_HOUR = "5/h"
OBJECTION_LOOKUPS_PER_MINUTE = "10/m"
OBJECTION_LOOKUPS_PER_REFERENCE_PER_HOUR = "10/h"
FILED_SESSION_KEY = "objection_filed"
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
    elif request.method == "GET" and request.GET.get("filed") == "1":
        # After the redirect that follows filing: the reference and the code, shown this once.
        filed = request.session.pop(FILED_SESSION_KEY, None) if hasattr(request, "session") else None
        if filed:
            context.update(objection_reference=filed["reference"], objection_code=filed["code"])
        else:
            context["objection_form"] = PublicObjectionForm(notice)
    elif request.method == "POST":
        form = PublicObjectionForm(notice, request.POST, request.FILES)
        context["objection_form"] = form
        status = 400
        if is_ratelimited(request, group="public-objection", key="ip", rate=OBJECTIONS_PER_HOUR, increment=True):
            context["objection_error"] = "提交过于频繁，请稍后再试，或通过电话、邮件反映。"
            status = 429
        elif form.is_valid():
            objection = form.save()
            request.session[FILED_SESSION_KEY] = {"reference": objection.reference, "code": form.lookup_code}
            # Post/redirect/get: reloading the confirmation files nothing a second time.
            return redirect(f"{notice.objection_url()}?filed=1")
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


def objection_lookup(request):
    """异议处理查询: the objector reads the state of its objection and the reply, with the reference and
    the 查询码 given at filing. Both are needed, a wrong pair gets one answer whichever part is wrong,
    and lookups are limited per client and per reference, so neither can be enumerated."""
    from roster.models import Objection

    context = {"form": ObjectionLookupForm(), "objection": None, "not_found": False, "limited": False}
    status = 200
    if request.method == "POST":
        form = ObjectionLookupForm(request.POST)
        context["form"] = form
        reference = (request.POST.get("reference") or "").strip().upper()[:30]
        limited = is_ratelimited(
            request, group="objection-lookup", key="ip", rate=OBJECTION_LOOKUPS_PER_MINUTE, increment=True
        ) or is_ratelimited(
            request,
            group="objection-lookup-reference",
            key=lambda group, request: reference,
            rate=OBJECTION_LOOKUPS_PER_REFERENCE_PER_HOUR,
            increment=True,
        )
        if limited:
            context["limited"] = True
            status = 429
        elif form.is_valid():
            objection = Objection.for_lookup(form.cleaned_data["reference"], form.cleaned_data["code"])
            if objection is None:
                context["not_found"] = True
                status = 404
            else:
                context["objection"] = objection
        else:
            status = 400
    response = render(request, "home/objection_lookup.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
