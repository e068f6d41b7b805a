import datetime

import pytest
import time_machine
from django.urls import reverse

from roster.dashboard import queue_states, terms_ending, waiting_for
from tests.factories import EntryFactory, RoundFactory, UserFactory
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db


def counts(user):
    return {row["label"]: row["count"] for row in waiting_for(user)}


def test_waiting_for_me_by_role():
    mine = EntryFactory()
    EntryFactory(person__unit=mine.unit, status=S.RETURNED)
    EntryFactory(status=S.SUBMITTED)
    EntryFactory(status=S.SUBMITTED)
    EntryFactory(status=S.LEADING_GROUP_REVIEW)
    qualified = EntryFactory(status=S.QUALIFIED)
    recommender = UserFactory(role=roles.RECOMMENDER, unit=mine.unit)
    office = UserFactory(role=roles.OFFICE)
    leader = UserFactory(role=roles.LEADING_GROUP)
    expert = UserFactory(role=roles.EXPERT)
    qualified.round.experts.add(expert)

    assert counts(recommender) == {"草稿": 1, "退回补正": 1}
    office_counts = counts(office)
    assert office_counts["已上报"] == 2 and office_counts["资格审查通过"] == 1
    assert "草稿" not in office_counts and "领导小组研究" not in office_counts
    assert counts(leader) == {"领导小组研究": 1}
    assert counts(expert) == {"待我评审": 1}
    qualified.expert_scores.update(expert=expert)
    assert counts(expert) == {"待我评审": 0}
    assert S.ACTIVE not in queue_states(office)


def test_terms_ending_within_90_days_and_panel_renders(client):
    soon = EntryFactory(status=S.ACTIVE)
    later = EntryFactory(status=S.ACTIVE, round=RoundFactory(year=2026))
    office = UserFactory(role=roles.OFFICE)
    with time_machine.travel(datetime.datetime(2028, 11, 1, 9, tzinfo=datetime.UTC)):
        ending = terms_ending(office)
        assert soon in ending and later not in ending
        client.force_login(office)
        html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "首席技师工作提醒" in html and soon.person.name in html
    assert "2024年度津贴尚未批准发放" in html or "年度津贴尚未批准发放" in html


def test_panel_hidden_for_finance_and_editor(client):
    for role in (roles.FINANCE, roles.EDITOR):
        client.force_login(UserFactory(role=role))
        assert "首席技师工作提醒" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_office_is_warned_from_november_when_next_years_calendar_is_missing(client):
    from tests import clock
    from workflow.models import OfficialCalendarYear

    office = UserFactory(role=roles.OFFICE)
    recommender = UserFactory(role=roles.RECOMMENDER, unit=EntryFactory().unit)
    client.force_login(office)
    with clock.travel(2026, 10, 31):
        assert "2027年官方节假日" not in client.get("/admin/").content.decode()
    with clock.travel(2026, 11, 1):
        html = client.get("/admin/").content.decode()
        assert "尚未录入2027年官方节假日和调休安排" in html
        client.force_login(recommender)
        assert "2027年官方节假日" not in client.get("/admin/").content.decode()
        client.force_login(office)
        # A demo schedule is not the official one: the office is still asked to enter the notice.
        year = OfficialCalendarYear.objects.create(year=2027, source="演示（测试）", published=True, is_demo=True)
        assert "2027年的工作日目前按演示（非官方）安排计算" in client.get("/admin/").content.decode()
        OfficialCalendarYear.objects.filter(pk=year.pk).update(is_demo=False, source="国务院办公厅通知（测试）")
        html = client.get("/admin/").content.decode()
        assert "2027年官方节假日" not in html and "2027年的工作日目前按演示" not in html
