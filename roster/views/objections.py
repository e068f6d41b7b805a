"""Objections handled end to end by the office (Art 9(2), 9(5)): the list, each objection with who raised
it, the investigation, the decision and the reply the objector reads on the public lookup page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roster.audit import PersonalDataAccess, record_access
from roster.forms import InvestigationForm, ObjectionDecisionForm
from roster.models import Objection
from roster.permissions import visible_entries
from workflow.powers import may

from .common import form_errors
from .documents import private_file

STATUS_FILTER = [("", "全部"), *Objection.State.choices]


def _objections(user):
    if not may(user, "decide_objection"):
        raise PermissionDenied
    return Objection.objects.filter(entry__in=visible_entries(user)).select_related("entry__person", "entry__round")


def objection_list(request):
    objections = _objections(request.user)
    status = request.GET.get("status", Objection.State.OPEN)
    if status in Objection.State.values:
        objections = objections.filter(status=status)
    else:
        status = ""
    page = Paginator(objections.order_by("-received_on", "-pk"), 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "roster/admin/objection_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": STATUS_FILTER,
            "open_count": _objections(request.user).filter(status=Objection.State.OPEN).count(),
            "page_title": "异议处理",
            "header_icon": "warning",
        },
    )


def objection_url(objection) -> str:
    return reverse("roster_objection", args=(objection.pk,))


def objection_detail(request, pk):
    objection = get_object_or_404(_objections(request.user), pk=pk)
    if request.method == "POST":
        form = InvestigationForm(request.POST)
        if objection.status != Objection.State.OPEN:
            messages.error(request, "该异议已办结，调查核实情况不能再修改。")
        elif form.is_valid():
            objection.investigation = form.cleaned_data["investigation"]
            objection.save(update_fields=["investigation"])
            messages.success(request, f"已保存异议 {objection.reference} 的调查核实情况。")
        else:
            form_errors(request, form)
        return redirect(objection_url(objection))
    # The objector's name and contact are personal information: each view is recorded.
    record_access(request, PersonalDataAccess.Kind.VIEW, f"异议反映人：{objection.reference}")
    is_open = objection.status == Objection.State.OPEN
    return TemplateResponse(
        request,
        "roster/admin/objection_detail.html",
        {
            "objection": objection,
            "entry": objection.entry,
            "investigation_form": InvestigationForm(initial={"investigation": objection.investigation})
            if is_open
            else None,
            "decision_form": ObjectionDecisionForm(label_suffix="：") if is_open else None,
            "page_title": f"异议 {objection.reference}",
            "header_icon": "warning",
        },
    )


def objection_attachment(request, pk):
    objection = get_object_or_404(_objections(request.user), pk=pk)
    if not objection.attachment:
        raise PermissionDenied
    record_access(request, PersonalDataAccess.Kind.DOWNLOAD, f"异议附件：{objection.reference}")
    return private_file(objection.attachment, f"异议附件-{objection.reference}")


@require_POST
def objection_decide(request, pk, objection_pk):
    """The decision (异议成立/不成立), the internal finding and the reply to the objector, once."""
    objection = get_object_or_404(_objections(request.user), pk=objection_pk, entry_id=pk)
    form = ObjectionDecisionForm(request.POST)
    if objection.status != Objection.State.OPEN:
        messages.error(request, "该异议已处理，不能再次处理。")
    elif form.is_valid():
        objection.status = form.cleaned_data["status"]
        objection.finding = form.cleaned_data["finding"]
        objection.reply = form.cleaned_data["reply"]
        objection.decided_by = request.user
        objection.decided_at = timezone.now()
        objection.save()
        messages.success(
            request,
            f"异议 {objection.reference} 已办结：{objection.get_status_display()}。反映人可凭受理编号和查询码查看处理结果。",
        )
    else:
        form_errors(request, form)
    return redirect(objection_url(objection))
