"""Allowance runs (Art 10): computed from the records, approved by a second person, downloaded by finance."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roster import allowance, idnumber
from roster.audit import PersonalDataAccess, record_access
from roster.models import AllowanceRun
from workflow.powers import may

from .documents import xlsx_response


def _allowance_access(user, power):
    if not may(user, power):
        raise PermissionDenied


def _runs(user):
    """The runs `user` may see: every run for the office, approved runs only for finance."""
    runs = AllowanceRun.objects.all()
    if not may(user, "see_unapproved_allowance"):
        runs = runs.filter(state=AllowanceRun.State.APPROVED)
    return runs


def allowance_runs(request):
    _allowance_access(request.user, "view_allowance")
    runs = _runs(request.user).annotate(total=Sum("lines__amount"), people=Count("lines__entry", distinct=True))
    can_compute = may(request.user, "compute_allowance")
    return TemplateResponse(
        request,
        "roster/admin/allowance_runs.html",
        {
            "runs": runs,
            "can_compute": can_compute,
            "next_year": timezone.localdate().year,
            "page_title": "津贴发放",
        },
    )


def allowance_run_detail(request, year):
    _allowance_access(request.user, "view_allowance")
    run = get_object_or_404(_runs(request.user), year=year)
    lines = list(run.lines.select_related("entry__person", "entry__unit", "entry__round"))
    for line in lines:
        # On screen the account shows its last four digits only; the full numbers are on the sheet.
        line.shown_account = (
            idnumber.mask_account(line.payee_account) if run.approved else line.entry.person.masked_bank_account
        )
        line.shown_bank = line.payee_bank if run.approved else line.entry.person.bank_name
    return TemplateResponse(
        request,
        "roster/admin/allowance_run.html",
        {
            "run": run,
            "lines": lines,
            "missing_payee": [] if run.approved else allowance.missing_payee_data(run, lines),
            "can_keep_payee": may(request.user, "keep_payee_data"),
            "total": run.total(),
            "can_compute": not run.approved and may(request.user, "compute_allowance"),
            "can_approve": not run.approved and may(request.user, "approve_allowance"),
            "page_title": str(run),
        },
    )


@require_POST
def allowance_compute(request):
    _allowance_access(request.user, "compute_allowance")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "请填写正确的年度。")
        return redirect("roster_allowance_runs")
    if not 2020 <= year <= timezone.localdate().year:
        messages.error(request, f"年度须在2020年至{timezone.localdate().year}年之间。")
        return redirect("roster_allowance_runs")
    try:
        run = allowance.compute_run(year, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("roster_allowance_runs")
    messages.success(request, f"已计算{year}年度津贴：{run.lines.count()}条明细，合计{run.total()}元。")
    return redirect("roster_allowance_run", year=year)


@require_POST
def allowance_approve(request, year):
    _allowance_access(request.user, "approve_allowance")
    run = get_object_or_404(AllowanceRun, year=year)
    try:
        allowance.approve_run(run, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{year}年度津贴发放已批准，此后不能修改。")
    return redirect("roster_allowance_run", year=year)


def allowance_download(request, year):
    _allowance_access(request.user, "download_allowance")
    run = get_object_or_404(_runs(request.user), year=year)
    if run.approved:
        record_access(request, PersonalDataAccess.Kind.DOWNLOAD, f"{year}年度津贴发放表（含身份证号）")
    return xlsx_response(allowance.run_workbook(run), f"市中首席技师{year}年度津贴发放表.xlsx")
