"""Wagtail's bulk actions look records up by the ids in the address before any view of ours runs: an id
that cannot name a row is refused here, in Chinese, instead of failing in the database."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .admin_forms import valid_id

BULK_PREFIX = "/admin/bulk/"
REFUSAL = "所选记录编号无效，未做任何操作。请回到列表重新勾选。"


class BulkIdsGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(BULK_PREFIX):
            ids = request.GET.getlist("id")
            if any(i != "all" and valid_id(i) is None for i in ids):
                messages.error(request, REFUSAL)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = "/admin/"
                return redirect(target)
        return self.get_response(request)
