"""The demo is coherent with the day it is loaded (issue “The next round under a revised measure”, item 1):
loaded on several days from 2026 to 2030, nothing is published or recorded after today, every window
shown open contains today, every round's call lies in the fourth quarter of its year under a rule set in
force on the call date, and no entry waits in a selection state long after its round's deadline."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page

from home.models import PolicyPage, PublicityNoticePage, ResultsNoticePage
from roster.demo import REVISION_NUMBER
from roster.models import AllowanceRun, Entry, ExpertScore, Round
from tests import clock
from workflow import workdays
from workflow.models import OfficialCalendarYear
from workflow.states import PRE_CERT, Status

S = Status
pytestmark = pytest.mark.django_db
SELECTION_STATES = [S.DRAFT, S.UNIT_PUBLICITY, *PRE_CERT]
DAYS = [
    datetime.date(2026, 11, 30),
    datetime.date(2027, 3, 15),
    datetime.date(2028, 10, 20),
    datetime.date(2029, 12, 17),
    datetime.date(2030, 11, 30),
]


def load_on(day: datetime.date):
    with clock.on(day):
        call_command("load_demo", stdout=io.StringIO())


def check_invariants(today: datetime.date) -> list[str]:
    now = timezone.now()
    problems = []
    for page in Page.objects.filter(first_published_at__gt=now):
        problems.append(f"{page.url_path} published {page.first_published_at}")
    for page in Page.objects.filter(last_published_at__gt=now):
        problems.append(f"{page.url_path} republished {page.last_published_at}")
    for log_entry in ModelLogEntry.objects.filter(timestamp__gt=now):
        problems.append(f"history {log_entry.action} {log_entry.data.get('transition')} at {log_entry.timestamp}")
    problems += [f"score at {s.created_at}" for s in ExpertScore.objects.filter(created_at__gt=now)]
    problems += [f"run {r.year} approved {r.approved_at}" for r in AllowanceRun.objects.filter(approved_at__gt=now)]
    for notice in PublicityNoticePage.objects.live():
        window = notice.window()
        if window["state"] == "open" and not window["start"] <= today <= window["end"]:
            problems.append(f"{notice.title}: open window {window['start']}–{window['end']}")
    for round_ in Round.objects.all():
        if not (round_.call_date.year == round_.year and round_.call_date.month >= 10):
            problems.append(f"{round_.year}: call on {round_.call_date}")
        if not round_.rule_set.in_force_on(round_.call_date):
            problems.append(f"{round_.year}: {round_.rule_set} not in force on {round_.call_date}")
        if round_.call_date > today:
            problems.append(f"{round_.year}: call in the future")
        if round_.application_deadline < today - datetime.timedelta(days=365):
            for entry in round_.entries.filter(status__in=SELECTION_STATES):
                problems.append(f"{round_.year}: {entry.person.name} still {entry.status}")
    for entry in Entry.objects.filter(status=S.UNIT_PUBLICITY):
        if entry.unit_publicity_start > today:
            problems.append(f"{entry.person.name}: unit publicity starts after today")
    for entry in Entry.objects.exclude(submitted_at=None):
        if entry.submitted_at > now or entry.is_late:
            problems.append(f"{entry.person.name}: submitted {entry.submitted_at}")
    for entry in Entry.objects.exclude(term_end=None):
        if entry.term_end < today and entry.status in (S.ACTIVE, S.BENEFITS_STOPPED):
            problems.append(f"{entry.person.name}: term ended {entry.term_end} but still {entry.status}")
    return problems


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_demo_loaded_on_a_day_is_coherent_with_it(day):
    load_on(day)
    with clock.on(day):
        assert check_invariants(day) == []
        rounds = list(Round.objects.order_by("year"))
        current = rounds[-1]
        # A round every two years from 2022; from 2026 under the demo revision, marked 演示.
        assert [r.year for r in rounds] == list(range(2022, current.year + 1, 2))
        assert all(r.rule_set.document_number == "市中政办字〔2020〕33号" for r in rounds if r.year < 2026)
        assert all(r.rule_set.document_number == REVISION_NUMBER for r in rounds if r.year >= 2026)
        assert "演示" in current.rule_set.name and "演示" in REVISION_NUMBER
        revision = PolicyPage.objects.get(document_number=REVISION_NUMBER)
        assert revision.live and revision.predecessor().document_number == "市中政办字〔2020〕33号"
        # Past rounds are finished: results published, no entry left in selection.
        for round_ in rounds:
            if round_.year + 1 < day.year or (round_.year + 1 == day.year and day.month > 1):
                assert ResultsNoticePage.objects.live().filter(round=round_).exists(), round_.year
                assert not round_.entries.filter(status__in=SELECTION_STATES).exists(), round_.year
        # Allowance runs of every past year after the first certification (its months are paid the year
        # after, Art 10), approved, and each with someone to pay.
        runs = AllowanceRun.objects.filter(state=AllowanceRun.State.APPROVED)
        assert set(runs.values_list("year", flat=True)) == set(range(2024, day.year))
        assert all(run.lines.filter(amount__gt=0).exists() for run in runs)
        # Years the package does not know are counted on calendars marked 演示（非官方）.
        for year in range(2027, day.year + 2):
            if not workdays.package_knows(year):
                assert OfficialCalendarYear.objects.get(year=year).is_demo


def test_on_2026_11_30_the_current_round_is_in_its_open_district_publicity():
    day = datetime.date(2026, 11, 30)
    load_on(day)
    with clock.on(day):
        notice = PublicityNoticePage.objects.live().get(round__year=2026, level="district")
        assert notice.window()["state"] == "open"
        listed = {e.pk for e in notice.listed_entries()}
        in_window = set(
            Entry.objects.filter(round__year=2026, status=S.DISTRICT_PUBLICITY).values_list("pk", flat=True)
        )
        assert listed == in_window and len(listed) >= 3
        # A pending revocation in the 2024 round awaits the second office user.
        assert Entry.objects.filter(round__year=2024, status=S.REVOCATION_PENDING).exists()
        # The 2022 chief technicians are in their term; their round's 名单公布 lists them as published.
        results = ResultsNoticePage.objects.live().get(round__year=2022)
        assert {row["name"] for row in results.listed_rows()} >= set(
            Entry.objects.filter(round__year=2022, status=S.ACTIVE).values_list("person__name", flat=True)
        )


def test_the_demo_loads_twice_without_change():
    day = datetime.date(2027, 3, 15)
    load_on(day)
    before = (Entry.objects.count(), Page.objects.count(), ModelLogEntry.objects.count())
    load_on(day)
    assert (Entry.objects.count(), Page.objects.count(), ModelLogEntry.objects.count()) == before
