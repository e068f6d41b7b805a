"""The allowance of Art 10, 14 and 15 (SPEC §7).

A month is payable from the month after the announcement to the month of term_end, except after a
stop of benefits (last payable month: the stop's effective month), after revocation (last: the month
of approval or of the failed 期满评估), and in a year whose 跟踪评估 is 不合格. The run for year Y pays
the payable months of Y; an entry announced in Y has its Y months paid in the run of Y+1.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from workflow.states import Status

from . import notify
from .admin_forms import real_name
from .models import AllowanceLine, AllowanceRun, Entry, TrackingEvaluation

Month = tuple[int, int]


def _month(day: datetime.date) -> Month:
    return (day.year, day.month)


def _next_month(month: Month) -> Month:
    year, m = month
    return (year + 1, 1) if m == 12 else (year, m + 1)


def payable_months(entry: Entry, failed_years: set[int] | None = None) -> list[Month]:
    """Every payable month of the entry's term as its records stand now."""
    if not entry.announcement_date or not entry.term_end:
        return []
    last = _month(entry.term_end)
    if entry.benefits_stopped_on:
        last = min(last, _month(entry.benefits_stopped_on))
    if entry.status == Status.REVOKED and entry.revoked_on:
        last = min(last, _month(entry.revoked_on))
    if failed_years is None:
        failed_years = set(
            entry.evaluations.filter(result=TrackingEvaluation.Result.FAIL).values_list("year", flat=True)
        )
    months, month = [], _next_month(_month(entry.announcement_date))
    while month <= last:
        if month[0] not in failed_years:
            months.append(month)
        month = _next_month(month)
    return months


def months_for_year(entry: Entry, for_year: int, failed_years=None) -> int:
    return sum(1 for y, _ in payable_months(entry, failed_years) if y == for_year)


def paid_in_run_of(entry: Entry, for_year: int) -> int:
    """The run that pays an entry's months of `for_year` (Art 10: 当年评选的…于次年发放)."""
    return for_year + 1 if entry.announcement_date and entry.announcement_date.year == for_year else for_year


def months_paid_in_run(entry: Entry, year: int) -> int:
    """Months of allowance the run of `year` pays for the entry, from the current records (SPEC §7)."""
    failed = set(entry.evaluations.filter(result=TrackingEvaluation.Result.FAIL).values_list("year", flat=True))
    total = 0
    for for_year in (year - 1, year):
        if paid_in_run_of(entry, for_year) == year:
            total += months_for_year(entry, for_year, failed)
    return total


def withheld_note(entry: Entry, for_year: int, failed_years: set[int]) -> str:
    notes = []
    if for_year in failed_years:
        notes.append(f"{for_year}年度跟踪评估不合格，该年度停发（第十四条第一项）")
    if entry.benefits_stopped_on and entry.benefits_stopped_on.year <= for_year:
        notes.append(f"自{entry.benefits_stopped_on:%Y年%-m月}后停止待遇：{entry.get_benefits_stop_reason_display()}")
    if entry.status == Status.REVOKED and entry.revoked_on and entry.revoked_on.year <= for_year:
        notes.append(f"{entry.revoked_on:%Y年%-m月}取消资格，此后停发（第十五条或第十四条第三项）")
    if entry.term_end and entry.term_end.year == for_year:
        notes.append(f"管理期于{entry.term_end:%Y年%-m月%-d日}届满")
    if entry.announcement_date and entry.announcement_date.year == for_year:
        notes.append(f"{for_year}年{entry.announcement_date.month}月公布，自次月起计发")
    return "；".join(notes)


def certified_entries():
    return (
        Entry.objects.exclude(announcement_date__isnull=True)
        .select_related("person", "unit", "round__rule_set")
        .prefetch_related("evaluations")
    )


def _failed_years(entry) -> set[int]:
    return {e.year for e in entry.evaluations.all() if e.result == TrackingEvaluation.Result.FAIL}


def already_paid(entry_ids, for_year: int) -> dict[int, int]:
    """Months already paid for `for_year` by approved runs, per entry."""
    paid: dict[int, int] = {}
    rows = AllowanceLine.objects.filter(
        run__state=AllowanceRun.State.APPROVED, for_year=for_year, entry_id__in=entry_ids
    )
    for entry_id, months in rows.values_list("entry_id", "months"):
        paid[entry_id] = paid.get(entry_id, 0) + months
    return paid


@transaction.atomic
def compute_run(year: int, user=None) -> AllowanceRun:
    """Computes (or recomputes, while not approved) the run of `year`, with correction lines for
    earlier years whose approved runs paid more or fewer months than the records now give."""
    run, _ = AllowanceRun.objects.select_for_update().get_or_create(year=year)
    if run.approved:
        raise ValueError(f"{year}年度津贴发放已批准，不能重新计算。")
    run.lines.all().delete()
    entries = [e for e in certified_entries() if e.term_start and e.term_start.year <= year]
    ids = [e.pk for e in entries]
    earlier_years = sorted({y for e in entries for y in range(e.term_start.year, year)})
    paid_before = {y: already_paid(ids, y) for y in earlier_years}
    approved_runs = set(AllowanceRun.objects.filter(state=AllowanceRun.State.APPROVED).values_list("year", flat=True))
    lines = []
    for entry in entries:
        failed = _failed_years(entry)
        rate = entry.round.rule_set.allowance_per_month
        for for_year in (year - 1, year):
            if paid_in_run_of(entry, for_year) != year:
                continue
            months = months_for_year(entry, for_year, failed)
            due = months_for_year_possible(entry, for_year)
            note = withheld_note(entry, for_year, failed) if months < due else ""
            # A year with nothing to pay is listed only where the withholding began in it.
            if months or (due and (for_year in failed or _stop_year(entry) == for_year)):
                lines.append(
                    AllowanceLine(
                        run=run, entry=entry, for_year=for_year, months=months, amount=months * rate, note=note
                    )
                )
        for for_year in earlier_years:
            # Only years an approved earlier run has paid are corrected here.
            if paid_in_run_of(entry, for_year) not in approved_runs or paid_in_run_of(entry, for_year) >= year:
                continue
            delta = months_for_year(entry, for_year, failed) - paid_before[for_year].get(entry.pk, 0)
            if delta:
                note = f"更正{for_year}年度已发放月数：{withheld_note(entry, for_year, failed) or '记录变更'}"
                lines.append(
                    AllowanceLine(
                        run=run,
                        entry=entry,
                        for_year=for_year,
                        months=delta,
                        amount=delta * rate,
                        is_correction=True,
                        note=note[:300],
                    )
                )
    AllowanceLine.objects.bulk_create(lines)
    run.computed_at, run.computed_by = timezone.now(), user
    run.computed_by_name = real_name(user)
    run.save()
    notify.allowance_computed(run, user)
    return run


def _stop_year(entry: Entry) -> int | None:
    years = [
        d.year for d in (entry.benefits_stopped_on, entry.revoked_on if entry.status == Status.REVOKED else None) if d
    ]
    return min(years) if years else None


def months_for_year_possible(entry: Entry, for_year: int) -> int:
    """Months of `for_year` inside the term (after the announcement month), before any withholding."""
    start = _next_month(_month(entry.announcement_date))
    end = _month(entry.term_end)
    first = max(start, (for_year, 1))
    last = min(end, (for_year, 12))
    if first > last:
        return 0
    return (last[0] - first[0]) * 12 + last[1] - first[1] + 1


def missing_payee_data(run: AllowanceRun, lines=None) -> list:
    """The persons a run pays who have no bank or account on record: the sheet could not pay them.
    `lines`, when the caller has already loaded them with their persons, saves a second query."""
    if lines is None:
        lines = run.lines.select_related("entry__person")
    people = {
        line.entry.person
        for line in lines
        if line.amount > 0 and not (line.entry.person.bank_name and line.entry.person.bank_account)
    }
    return sorted(people, key=lambda person: person.name)


@transaction.atomic
def approve_run(run: AllowanceRun, user) -> AllowanceRun:
    """Approval by a second office user; the payee data and the names are copied into the run as they
    are now, and the run never changes again."""
    run = AllowanceRun.objects.select_for_update().get(pk=run.pk)
    if run.approved:
        raise ValueError("该年度津贴发放已批准。")
    if run.computed_by_id and run.computed_by_id == getattr(user, "pk", None) and not user.is_superuser:
        raise ValueError("计算人不能同时批准津贴发放，请由另一名工作人员审核批准。")
    missing = missing_payee_data(run)
    if missing:
        names = "、".join(person.name for person in missing)
        raise ValueError(
            f"以下人员尚未登记开户银行和银行账号，不能批准发放：{names}。请在“技能人才”记录中补充后再批准。"
        )
    lines = list(run.lines.select_related("entry__person"))
    for line in lines:
        person = line.entry.person
        line.payee_id_number, line.payee_bank, line.payee_account = (
            person.id_number,
            person.bank_name,
            person.bank_account,
        )
    AllowanceLine.objects.bulk_update(lines, ["payee_id_number", "payee_bank", "payee_account"])
    run.state, run.approved_at, run.approved_by = AllowanceRun.State.APPROVED, timezone.now(), user
    run.approved_by_name = real_name(user)
    run.save()
    notify.allowance_approved(run, user)
    return run


PAYEE_COLUMNS = ("居民身份证号", "开户银行", "银行账号")


def payee_cells(line: AllowanceLine, approved: bool) -> list[str]:
    """The payee as the sheet shows it: in full as copied at approval, masked (and current) before."""
    if approved:
        return [line.payee_id_number, line.payee_bank, line.payee_account]
    person = line.entry.person
    return [person.masked_id_number, person.bank_name, person.masked_bank_account]


def run_workbook(run: AllowanceRun) -> bytes:
    """The run as .xlsx for finance, A4 landscape: one row per person, the payee's ID number, bank and
    account, months, amount, reasons, totals, and the 制表/审核/负责人 lines. Payee numbers in full only
    on an approved run (the payment sheet); masked before."""
    from openpyxl.styles import Font

    from .spreadsheets import append_row, new_workbook, workbook_bytes

    wb, ws = new_workbook(f"{run.year}年度津贴")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    append_row(ws, [f"市中首席技师{run.year}年度区政府津贴发放表（{run.get_state_display()}）"])
    ws["A1"].font = Font(bold=True, size=14)
    header = [
        "序号",
        "姓名",
        *PAYEE_COLUMNS,
        "工作单位",
        "证书编号",
        "批次",
        "所属年度",
        "月数",
        "金额（元）",
        "类别",
        "说明",
    ]
    append_row(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    lines = run.lines.select_related("entry__person", "entry__unit", "entry__round").order_by(
        "entry__person__name", "for_year"
    )
    months = amount = 0
    for n, line in enumerate(lines, start=1):
        e = line.entry
        append_row(
            ws,
            [
                n,
                e.person.name,
                *payee_cells(line, run.approved),
                e.unit.name,
                e.certificate_number,
                f"{e.round.year}年度",
                line.for_year,
                line.months,
                line.amount,
                "更正" if line.is_correction else "正常",
                line.note,
            ],
        )
        months += line.months
        amount += line.amount
    total_row = ["合计"] + [""] * (len(header) - 1)
    total_row[header.index("月数")], total_row[header.index("金额（元）")] = months, amount
    append_row(ws, total_row)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    append_row(ws, [])
    signed = (run.approved_at and timezone.localtime(run.approved_at).date()) or None
    append_row(
        ws,
        [
            f"制表：{run.computed_by_name}",
            "",
            "",
            f"审核：{run.approved_by_name}",
            "",
            "",
            "负责人：",
            "",
            "",
            f"日期：{signed:%Y年%m月%d日}" if signed else "日期：",
        ],
    )
    widths = (6, 10, 21, 22, 24, 28, 16, 10, 10, 8, 12, 8, 60)
    for column, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[column].width = width
    return workbook_bytes(wb)
