"""A move whose window cannot be computed is refused when it is started; implausible dates are refused;
a unit banned under Art 14(3) cannot 上报 (issue “The next round under a revised measure”, items 3 and 5)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from home.models import PublicityNoticePage
from tests import clock
from tests.factories import EntryFactory, PersonFactory, RoundFactory, UserFactory
from tests.moves import assert_moves, assert_refused, fresh
from workflow import roles
from workflow.models import OfficialCalendarYear
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db


def recommender(entry):
    return UserFactory(role=roles.RECOMMENDER, unit=entry.unit)


def test_unit_publicity_into_a_year_without_official_calendar_is_refused_at_the_start():
    # 2026-12-28 + 5 working days reaches 2027, whose schedule nobody has entered yet.
    entry = EntryFactory(round=RoundFactory(year=2026))
    with clock.travel(2026, 12, 20):
        exc = assert_refused(entry, "start_unit_publicity", recommender(entry), first_day=datetime.date(2026, 12, 28))
    assert "2027" in exc.reason and "工作日历" in exc.reason and exc.article == "第九条第二项"
    assert fresh(entry).unit_publicity_start is None
    # Once the office has entered and enabled 2027, the same move goes through.
    OfficialCalendarYear.objects.create(
        year=2027, source="国务院办公厅关于2027年部分节假日安排的通知（测试）", published=True
    )
    with clock.travel(2026, 12, 20):
        after = assert_moves(entry, "start_unit_publicity", recommender(entry), first_day=datetime.date(2026, 12, 28))
    assert after.unit_publicity_start == datetime.date(2026, 12, 28)


@pytest.mark.parametrize("first_day", [datetime.date(9999, 12, 31), datetime.date(2101, 1, 1)])
def test_an_implausible_first_day_is_refused(first_day):
    entry = EntryFactory(round=RoundFactory(year=2026))
    exc = assert_refused(entry, "start_unit_publicity", recommender(entry), first_day=first_day)
    assert "1900年至2100年" in exc.reason


def test_district_publicity_whose_window_cannot_be_computed_is_refused():
    entry = EntryFactory(round=RoundFactory(year=2026), status=S.SHORTLISTED)
    office = UserFactory(role=roles.OFFICE)
    with clock.travel(2026, 12, 28):
        notice = PublicityNoticePage(title="区级公示", slug="district", round=entry.round, level="district")
        Page.get_first_root_node().add_child(instance=notice)
        notice.save_revision().publish()
        exc = assert_refused(entry, "start_district_publicity", office, unit_posted_on=datetime.date(2026, 12, 28))
    assert "2027" in exc.reason and exc.article == "第九条第五项"
    assert fresh(entry).status == S.SHORTLISTED


@pytest.mark.parametrize("name", ["submit", "resubmit"])
def test_a_banned_unit_cannot_submit(name):
    source = S.UNIT_PUBLICITY if name == "submit" else S.RETURNED
    entry = EntryFactory(status=source)
    entry.unit.ban(reason="期满评估不合格，单位负有责任（测试）")
    exc = assert_refused(entry, name, recommender(entry))
    assert exc.article == "第十四条第三项" and entry.unit.name in exc.reason


@pytest.mark.parametrize(
    "day,field",
    [(datetime.date(1, 1, 1), "qualification_date"), (datetime.date(2150, 1, 1), "qualification_date")],
)
def test_person_dates_out_of_range_are_refused(day, field):
    person = PersonFactory.build(unit=EntryFactory().unit, **{field: day})
    with pytest.raises(ValidationError) as info:
        person.full_clean()
    assert field in info.value.message_dict


def test_qualification_before_birth_is_refused():
    person = PersonFactory.build(unit=EntryFactory().unit, birth_date=datetime.date(1990, 5, 1))
    person.qualification_date = datetime.date(1989, 1, 1)
    with pytest.raises(ValidationError) as info:
        person.full_clean()
    assert "出生日期" in " ".join(info.value.message_dict["qualification_date"])


def test_round_dates_out_of_range_are_refused():
    round_ = RoundFactory.build(
        year=2026, call_date=datetime.date(2026, 10, 15), application_deadline=datetime.date(9999, 1, 1)
    )
    with pytest.raises(ValidationError) as info:
        round_.full_clean()
    assert "application_deadline" in info.value.message_dict
