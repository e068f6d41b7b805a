"""Wagtail's bulk actions look records up by the ids in the address before any view of ours runs: an id
that cannot name a row, or names a row the user may not see (its confirmation page would name it), is
refused here, in Chinese, before anything is looked up."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from workflow.powers import may

from .admin_forms import valid_id
from .permissions import VISIBLE

BULK_PREFIX = "/admin/bulk/"
REFUSAL = "所选记录编号无效，未做任何操作。请回到列表重新勾选。"


class BulkIdsGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(BULK_PREFIX):
            ids = request.GET.getlist("id")
            if any(i != "all" and valid_id(i) is None for i in ids) or not self._all_visible(request, ids):
                messages.error(request, REFUSAL)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = "/admin/"
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _all_visible(request, ids) -> bool:
        app, _, rest = request.path[len(BULK_PREFIX) :].partition("/")
        model = next((m for m in VISIBLE if app == "roster" and rest.startswith(f"{m._meta.model_name}/")), None)
        if model is None:
            return True
        if "all" in ids:
            return may(request.user, "see_all_rows")
        wanted = {int(i) for i in ids}
        return VISIBLE[model](request.user).filter(pk__in=wanted).count() == len(wanted)
