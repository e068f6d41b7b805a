import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from roster import services
from roster.models import Entry, Objection
from tests.clock import NOW
from tests.factories import EntryFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db


def inspect_url(entry):
    return reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))


def move_url(entry, name):
    return reverse("roster_entry_move", args=(entry.pk, name))


def test_office_certifies_in_the_admin_and_history_shows_it(client, office):
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW)
    client.force_login(office)
    page = client.get(inspect_url(entry)).content.decode()
    assert "区政府同意，公布名单并颁发证书" in page and 'name="announcement_date"' in page
    response = client.post(move_url(entry, "certify"), {"announcement_date": "2025-01-20", "comment": ""})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == S.ACTIVE
    assert entry.certificate_number == "SZSX-2024-001"
    assert (entry.term_start, entry.term_end) == (datetime.date(2025, 1, 20), datetime.date(2029, 1, 20))
    page = client.get(inspect_url(entry)).content.decode()
    assert "申报已办理“区政府同意，公布名单并颁发证书”，现在的状态是“管理期内”。" in page
    assert "报区政府同意 → 管理期内" in page and "government_review" not in page


def test_bad_input_to_a_move_changes_nothing(client, office):
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW)
    client.force_login(office)
    before = services.history(entry).count()
    response = client.post(move_url(entry, "certify"), {"announcement_date": "2025-13-45"}, follow=True)
    assert "有效的日期" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == S.GOVERNMENT_REVIEW and services.history(entry).count() == before


def test_blocked_move_is_explained_with_its_article(client, office):
    entry = EntryFactory(status=S.QUALIFIED)
    entry.expert_scores.all().delete()
    client.force_login(office)
    page = client.get(inspect_url(entry)).content.decode()
    assert "暂不可进行的操作" in page
    assert "尚无专家评审记录" in page and "第九条第四项" in page
    response = client.post(move_url(entry, "shortlist"), {"comment": ""}, follow=True)
    assert "未能办理“列为建议人选”" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == S.QUALIFIED


def test_negative_outcome_needs_a_comment_in_the_admin(client, office):
    entry = EntryFactory(status=S.SUBMITTED)
    client.force_login(office)
    client.post(move_url(entry, "fail_qualification"), {"comment": ""})
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED
    client.post(move_url(entry, "fail_qualification"), {"comment": "职业资格证书不符", "confirmed": "True"})
    entry.refresh_from_db()
    assert entry.status == S.INELIGIBLE
    assert services.history(entry).last().data["comment"] == "职业资格证书不符"


def test_recommender_sees_only_its_own_unit(client):
    mine = EntryFactory()
    other = EntryFactory()
    recommender = UserFactory(role=roles.RECOMMENDER, unit=mine.unit)
    client.force_login(recommender)
    listing = client.get(reverse("wagtailsnippets_roster_entry:list")).content.decode()
    assert mine.person.name in listing and other.person.name not in listing
    persons = client.get(reverse("wagtailsnippets_roster_person:list")).content.decode()
    assert mine.person.name in persons and other.person.name not in persons
    assert client.get(inspect_url(mine)).status_code == 200
    for url in (
        inspect_url(other),
        reverse("wagtailsnippets_roster_entry:edit", args=(other.pk,)),
        reverse("wagtailsnippets_roster_entry:history", args=(other.pk,)),
        reverse("wagtailsnippets_roster_person:edit", args=(other.person.pk,)),
        reverse("roster_evidence", args=(other.evidence_files.first().pk,)),
    ):
        assert client.get(url).status_code in (403, 404), url
    own_file = client.get(reverse("roster_evidence", args=(mine.evidence_files.first().pk,)))
    assert own_file.status_code == 200 and b"".join(own_file.streaming_content).startswith(b"%PDF")
    response = client.post(move_url(other, "start_unit_publicity"), {"comment": ""})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == S.DRAFT


def test_recommender_forms_offer_only_its_unit(client):
    unit, foreign = UnitFactory(), UnitFactory()
    recommender = UserFactory(role=roles.RECOMMENDER, unit=unit)
    client.force_login(recommender)
    page = client.get(reverse("wagtailsnippets_roster_person:add")).content.decode()
    assert unit.name in page and foreign.name not in page


def test_application_locked_after_publicity_started(client):
    entry = EntryFactory(status=S.SUBMITTED)
    recommender = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    client.force_login(recommender)
    response = client.get(reverse("wagtailsnippets_roster_entry:edit", args=(entry.pk,)))
    assert response.status_code in (302, 403)
    draft = EntryFactory(person=PersonFactory(unit=entry.unit))
    assert client.get(reverse("wagtailsnippets_roster_entry:edit", args=(draft.pk,))).status_code == 200


def test_expert_scores_only_assigned_rounds(client):
    assigned = EntryFactory(status=S.QUALIFIED)
    elsewhere = EntryFactory(status=S.QUALIFIED)
    expert = UserFactory(role=roles.EXPERT)
    assigned.round.experts.add(expert)
    client.force_login(expert)
    listing = client.get(reverse("wagtailsnippets_roster_entry:list")).content.decode()
    assert assigned.person.name in listing and elsewhere.person.name not in listing
    assert client.get(inspect_url(elsewhere)).status_code == 404
    data = {
        "score": 91,
        "finding_ethics": "好",
        "finding_skill": "领先",
        "finding_innovation": "有成果",
        "finding_mentoring": "突出",
        "opinion": "同意",
    }
    client.post(reverse("roster_score_add", args=(assigned.pk,)), data)
    assert assigned.expert_scores.filter(expert=expert, score=91).exists()
    assert client.post(reverse("roster_score_add", args=(elsewhere.pk,)), data).status_code == 404
    bad = {**data, "score": 150}
    client.post(reverse("roster_score_add", args=(assigned.pk,)), bad)
    assert assigned.expert_scores.get(expert=expert).score == 91


def test_objection_blocks_then_upheld_leads_to_rejection(client, office, demo_site):
    entry = EntryFactory(status=S.DISTRICT_PUBLICITY)
    client.force_login(office)
    client.post(
        reverse("roster_objection_add", args=(entry.pk,)),
        {
            "window": "district",
            "received_on": "2026-11-20",
            "submitter_name": "张某",
            "submitter_contact": "电话",
            "facts": "获奖情况不实",
        },
    )
    objection = Objection.objects.get(entry=entry)
    assert objection.status == "open" and objection.window == "district"
    with time_machine.travel(NOW):
        refusals = dict((n, r) for n, ok, r in services.available(entry, office) if not ok)
        assert "异议尚未处理" in refusals["start_inspection"]
        client.post(
            reverse("roster_objection_decide", args=(entry.pk, objection.pk)),
            {"status": "upheld", "finding": "经核实属实", "reply": "经核实，反映属实，不予通过。"},
        )
        objection.refresh_from_db()
        assert objection.status == "upheld" and objection.decided_by == office
        client.post(move_url(entry, "reject"), {"comment": "公示异议经核实成立", "confirmed": "True"})
    entry.refresh_from_db()
    assert entry.status == S.REJECTED


def test_round_review_ranks_by_average_and_marks_preferred_age(client, office):
    round_ = RoundFactory()
    young = EntryFactory(round=round_, status=S.QUALIFIED, person=PersonFactory(birth_date=datetime.date(1990, 1, 1)))
    older = EntryFactory(round=round_, status=S.QUALIFIED, person=PersonFactory(birth_date=datetime.date(1976, 1, 1)))
    older.expert_scores.update(score=95)
    client.force_login(office)
    page = client.get(reverse("roster_round_review", args=(round_.pk,))).content.decode()
    assert page.index(older.person.name) < page.index(young.person.name)
    assert "34周岁（优先）" in page and "48周岁" in page and "48周岁（优先）" not in page


def test_traceability_lists_articles_from_the_guards(client, office):
    client.force_login(office)
    page = client.get(reverse("roster_traceability")).content.decode()
    assert "第九条第四项" in page and "列为建议人选" in page and "第四条" in page and "第十五条" in page
    # Labels, never the code names of the moves.
    assert not any(re.search(rf"\b{name}\b", page) for name in ("withdraw", "end_term", "shortlist"))
    assert Entry._meta.get_field("status").protected


def test_entry_list_search_by_person_or_unit(client, office):
    entry = EntryFactory()
    other = EntryFactory()
    client.force_login(office)
    url = reverse("wagtailsnippets_roster_entry:list")
    by_name = client.get(url, {"q": entry.person.name})
    assert by_name.status_code == 200
    html = by_name.content.decode()
    assert entry.person.name in html and other.person.name not in html
    by_unit = client.get(url, {"q": other.unit.name}).content.decode()
    assert other.person.name in by_unit


def test_entry_list_filters_by_part_of_the_unit_name_without_listing_every_unit(client, office):
    ours = EntryFactory(unit=UnitFactory(name="枣庄市市中区甲号机械厂"))
    theirs = EntryFactory(unit=UnitFactory(name="枣庄市市中区乙号纺织厂"))
    client.force_login(office)
    url = reverse("wagtailsnippets_roster_entry:list")
    html = client.get(url, {"unit": "甲号"}).content.decode()
    assert ours.person.name in html and theirs.person.name not in html
    # The filter is a text box, not a <select> with an option per unit.
    assert 'name="unit"' in html and "乙号纺织厂</option>" not in html
