"""The allowance of SPEC §7 (Art 10, 11, 14, 15): months per run, runs, approval, corrections, the
finance export, and who may do what over HTTP.

Expected numbers are written out from SPEC §7 by hand: a month is payable from the month after the
announcement to the month of term_end; an entry announced in year Y has its Y months paid in the run of
Y+1; 200 元 per month (the 2020 rule set).
"""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from roster.allowance import approve_run, compute_run, months_paid_in_run, run_workbook
from roster.models import AllowanceLine, AllowanceRun, Entry, TrackingEvaluation
from roster.services import perform
from tests.clock import NOW, on
from tests.factories import EntryFactory, RoundFactory, UserFactory
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db

RATE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEARS = range(2021, 2028)


@pytest.fixture(autouse=True)
def clock():
    """'Today' is 24 November 2026 in Shanghai: after every date these tests record."""
    with time_machine.travel(NOW, tick=False):
        yield


def certified(announced: datetime.date, office) -> Entry:
    """An entry certified through perform() with the given announcement date (round called before it)."""
    year = announced.year if announced >= datetime.date(announced.year, 10, 15) else announced.year - 1
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW, round=RoundFactory(year=year))
    perform(entry, "certify", office, announcement_date=announced)
    entry.refresh_from_db()
    assert entry.status == S.ACTIVE and entry.announcement_date == announced
    return entry


def runs(entry) -> dict[int, int]:
    entry = Entry.objects.get(pk=entry.pk)
    return {year: months_paid_in_run(entry, year) for year in YEARS}


MARCH_2022 = {2021: 0, 2022: 0, 2023: 9 + 12, 2024: 12, 2025: 12, 2026: 3, 2027: 0}


# ---------------------------------------------------------------------------------------------------
# months_paid_in_run
# ---------------------------------------------------------------------------------------------------


def test_announced_in_march_is_paid_from_april_in_the_next_years_run(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    assert entry.term_end == datetime.date(2026, 3, 10)
    # Run 2022 pays nothing; run 2023 pays Apr–Dec 2022 (9) and 2023 (12); the term ends in March 2026.
    assert runs(entry) == MARCH_2022
    assert sum(runs(entry).values()) == 48


def test_announced_in_december_pays_nothing_for_that_year(office):
    entry = certified(datetime.date(2021, 12, 20), office)
    assert runs(entry) == {2021: 0, 2022: 0 + 12, 2023: 12, 2024: 12, 2025: 12, 2026: 0, 2027: 0}


def test_final_year_pays_up_to_and_including_the_term_end_month(office):
    entry = certified(datetime.date(2022, 6, 15), office)
    assert entry.term_end == datetime.date(2026, 6, 15)
    result = runs(entry)
    assert result[2023] == 6 + 12  # Jul–Dec 2022, then 2023
    assert result[2026] == 6  # Jan–Jun 2026: June, the term_end month, included
    assert result[2027] == 0
    assert sum(result.values()) == 48


def test_stop_benefits_last_payable_month_is_the_effective_month(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    perform(entry, "stop_benefits", office, reason="moved_out", effective_date=datetime.date(2024, 6, 15))
    entry.refresh_from_db()
    assert entry.status == S.BENEFITS_STOPPED
    assert runs(entry) == {**MARCH_2022, 2024: 6, 2025: 0, 2026: 0}


def test_resume_benefits_restores_every_month(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    perform(entry, "stop_benefits", office, reason="moved_out", effective_date=datetime.date(2023, 2, 1))
    assert runs(entry)[2023] == 9 + 2
    perform(entry, "resume_benefits", office, comment="误停，予以更正")
    entry.refresh_from_db()
    assert entry.status == S.ACTIVE and entry.benefits_stopped_on is None
    assert runs(entry) == MARCH_2022


def test_selection_as_city_chief_stops_after_the_effective_month(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    perform(entry, "stop_benefits", office, reason="city_chief", effective_date=datetime.date(2023, 9, 30))
    assert runs(entry) == {**MARCH_2022, 2023: 9 + 9, 2024: 0, 2025: 0, 2026: 0}


def test_revocation_stops_after_the_approval_month(office, office2):
    entry = certified(datetime.date(2022, 3, 10), office)
    with on(datetime.date(2024, 4, 28)):
        perform(entry, "propose_revocation", office, comment="其他应当取消称号的行为", ground=4)
    assert runs(entry) == MARCH_2022  # a pending proposal withholds nothing
    with on(datetime.date(2024, 5, 6)):
        perform(entry, "approve_revocation", office2, comment="经研究，批准取消")
    entry.refresh_from_db()
    assert entry.status == S.REVOKED and entry.revoked_on == datetime.date(2024, 5, 6)
    # Payable up to May 2024 (approval month), not April (proposal month).
    assert runs(entry) == {**MARCH_2022, 2024: 5, 2025: 0, 2026: 0}


def test_failed_tracking_evaluation_removes_that_years_months(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    TrackingEvaluation.objects.create(entry=entry, year=2024, result="fail", comment="不合格", evaluated_by=office)
    TrackingEvaluation.objects.create(entry=entry, year=2025, result="pass", comment="合格", evaluated_by=office)
    # 2023 has no evaluation: payable.
    assert runs(entry) == {**MARCH_2022, 2024: 0}


def test_failed_evaluation_of_the_announcement_year_is_removed_from_the_next_run(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    TrackingEvaluation.objects.create(entry=entry, year=2022, result="fail", comment="不合格", evaluated_by=office)
    assert runs(entry) == {**MARCH_2022, 2023: 0 + 12}


def test_failed_term_evaluation_stops_after_its_month(office):
    entry = certified(datetime.date(2022, 3, 10), office)
    with on(datetime.date(2026, 3, 20)):
        perform(entry, "end_term", office)
        perform(entry, "fail_term_evaluation", office, comment="期满评估不合格", unit_responsible=False)
    entry.refresh_from_db()
    assert entry.status == S.REVOKED and entry.revoked_on == datetime.date(2026, 3, 20)
    assert runs(entry) == MARCH_2022
    assert runs(entry)[2027] == 0


# ---------------------------------------------------------------------------------------------------
# compute_run / approve_run
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def two_entries(office):
    return certified(datetime.date(2022, 3, 10), office), certified(datetime.date(2021, 12, 20), office)


def lines_by_entry(run) -> dict[tuple[int, int], int]:
    return {(line.entry_id, line.for_year): line.months for line in run.lines.all()}


def test_compute_run_lines_and_totals(two_entries, office):
    march, december = two_entries
    run = compute_run(2023, office)
    assert run.state == AllowanceRun.State.DRAFT and run.computed_by == office
    assert lines_by_entry(run) == {(march.pk, 2022): 9, (march.pk, 2023): 12, (december.pk, 2023): 12}
    for line in run.lines.all():
        assert line.amount == RATE * line.months
        assert not line.is_correction
    for entry in two_entries:
        paid = sum(run.lines.filter(entry=entry).values_list("months", flat=True))
        assert paid == months_paid_in_run(entry, 2023)
    assert run.total() == RATE * (21 + 12) == 6600

    run_2022 = compute_run(2022, office)
    assert lines_by_entry(run_2022) == {(december.pk, 2022): 12}
    assert run_2022.total() == 2400


def test_a_draft_run_can_be_recomputed(two_entries, office):
    march, _ = two_entries
    run = compute_run(2024, office)
    assert run.total() == 2 * 12 * RATE
    TrackingEvaluation.objects.create(entry=march, year=2024, result="fail", comment="不合格", evaluated_by=office)
    run = compute_run(2024, office)
    assert AllowanceRun.objects.filter(year=2024).count() == 1
    assert run.total() == 12 * RATE
    assert sum(run.lines.filter(entry=march).values_list("months", flat=True)) == 0


def test_approved_run_is_immutable(two_entries, office, office2):
    run = compute_run(2023, office)
    approve_run(run, office2)
    run.refresh_from_db()
    assert run.approved and run.approved_by == office2
    before = sorted(run.lines.values_list("pk", "months", "amount"))

    with pytest.raises(ValueError):
        compute_run(2023, office)
    line = AllowanceLine.objects.filter(run=run).first()
    line.months, line.amount = 1, RATE
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        AllowanceLine.objects.filter(run=run).first().delete()
    with pytest.raises(ValueError):
        approve_run(run, office2)
    assert sorted(run.lines.values_list("pk", "months", "amount")) == before


def test_the_computer_cannot_approve_unless_superuser(two_entries, office):
    run = compute_run(2023, office)
    with pytest.raises(ValueError):
        approve_run(run, office)
    run.refresh_from_db()
    assert run.state == AllowanceRun.State.DRAFT and run.approved_by is None

    superuser = UserFactory(is_superuser=True, is_staff=True)
    run = compute_run(2024, superuser)
    approve_run(run, superuser)
    run.refresh_from_db()
    assert run.approved and run.approved_by == superuser


def test_records_changed_after_approval_become_a_correction_line(two_entries, office, office2, client):
    march, december = two_entries
    run_2024 = compute_run(2024, office)
    approve_run(run_2024, office2)
    assert lines_by_entry(run_2024)[(march.pk, 2024)] == 12

    # A failed 2024 evaluation is entered afterwards, through the entry page.
    client.force_login(office)
    response = client.post(
        reverse("roster_evaluation_add", args=(march.pk,)),
        {"year": 2024, "result": "fail", "comment": "年度考核不合格"},
    )
    assert response.status_code == 302
    assert TrackingEvaluation.objects.get(entry=march, year=2024).result == "fail"
    assert months_paid_in_run(Entry.objects.get(pk=march.pk), 2024) == 0
    # The approved run is untouched.
    assert lines_by_entry(AllowanceRun.objects.get(year=2024))[(march.pk, 2024)] == 12

    run_2025 = compute_run(2025, office)
    corrections = list(run_2025.lines.filter(is_correction=True))
    assert len(corrections) == 1
    fix = corrections[0]
    assert (fix.entry_id, fix.for_year, fix.months, fix.amount) == (march.pk, 2024, -12, -12 * RATE)
    normal = {(line.entry_id, line.for_year): line.months for line in run_2025.lines.filter(is_correction=False)}
    assert normal == {(march.pk, 2025): 12, (december.pk, 2025): 12}
    assert run_2025.total() == (12 + 12 - 12) * RATE


def test_run_workbook_has_a_row_per_line_and_a_totals_row(two_entries, office):
    run = compute_run(2023, office)
    sheet = load_workbook(io.BytesIO(run_workbook(run))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(cell not in (None, "") for cell in row)]
    header_index = next(i for i, row in enumerate(rows) if "金额（元）" in row)
    header = rows[header_index]
    months_col, amount_col = header.index("月数"), header.index("金额（元）")
    totals_index = next(i for i, row in enumerate(rows) if row[0] == "合计")
    body, totals = rows[header_index + 1 : totals_index], rows[totals_index]
    assert len(body) == run.lines.count() == 3
    for row in body:
        assert row[amount_col] == RATE * row[months_col]
    assert totals[0] == "合计"
    assert totals[amount_col] == run.total() == 6600
    assert totals[months_col] == 33
    names = {row[header.index("姓名")] for row in body}
    assert names == {e.person.name for e in two_entries}


# ---------------------------------------------------------------------------------------------------
# HTTP: finance reads and downloads; the office computes and approves
# ---------------------------------------------------------------------------------------------------


def test_finance_lists_runs_and_downloads_the_workbook(two_entries, office, office2, finance, client):
    run = approve_run(compute_run(2023, office), office2)
    client.force_login(finance)
    listing = client.get(reverse("roster_allowance_runs"))
    assert listing.status_code == 200 and "2023" in listing.content.decode()
    assert client.get(reverse("roster_allowance_run", args=(2023,))).status_code == 200
    response = client.get(reverse("roster_allowance_download", args=(2023,)))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(row[0] == "合计" and run.total() in row for row in sheet.iter_rows(values_only=True))


def assert_denied(response, path):
    """Refused: 403, or Wagtail's answer to PermissionDenied in the admin (a redirect to the admin home)."""
    assert response.status_code in (302, 403), (path, response.status_code)
    if response.status_code == 302:
        assert response["Location"] in ("/admin/", "/admin/login/") or response["Location"].startswith(
            "/admin/login/"
        ), (path, response["Location"])


def test_finance_may_not_compute_approve_export_or_see_the_roster(two_entries, office, finance, client):
    run = compute_run(2023, office)
    client.force_login(finance)
    url = reverse("roster_allowance_compute")
    assert_denied(client.post(url, {"year": 2024}), url)
    assert not AllowanceRun.objects.filter(year=2024).exists()
    url = reverse("roster_allowance_approve", args=(2023,))
    assert_denied(client.post(url), url)
    run.refresh_from_db()
    assert run.state == AllowanceRun.State.DRAFT and run.approved_by is None
    url = reverse("roster_talent_pool")
    response = client.get(url)
    assert_denied(response, url)
    assert response.get("Content-Type") != XLSX

    name = two_entries[0].person.name
    for model in ("entry", "person", "unit", "round"):
        url = f"/admin/snippets/roster/{model}/"
        response = client.get(url)
        assert_denied(response, url)
        assert name not in response.content.decode()


def test_office_computes_and_another_office_user_approves(two_entries, office, office2, client):
    client.force_login(office)
    response = client.post(reverse("roster_allowance_compute"), {"year": 2023})
    assert response.status_code == 302 and response["Location"] == reverse("roster_allowance_run", args=(2023,))
    run = AllowanceRun.objects.get(year=2023)
    assert run.computed_by == office and run.total() == 6600
    detail = client.get(reverse("roster_allowance_run", args=(2023,)))
    assert detail.status_code == 200 and two_entries[0].person.name in detail.content.decode()

    # The one who computed may not approve.
    client.post(reverse("roster_allowance_approve", args=(2023,)))
    run.refresh_from_db()
    assert run.state == AllowanceRun.State.DRAFT

    client.force_login(office2)
    assert client.post(reverse("roster_allowance_approve", args=(2023,))).status_code == 302
    run.refresh_from_db()
    assert run.approved and run.approved_by == office2

    # Recomputing an approved run changes nothing.
    lines = sorted(run.lines.values_list("pk", "months"))
    client.post(reverse("roster_allowance_compute"), {"year": 2023})
    run.refresh_from_db()
    assert run.approved and sorted(run.lines.values_list("pk", "months")) == lines
