"""Issue: publicity driven by the records — calls, 公示 and results rendered from the roster."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import nested_form_data, rich_text

from home.listings import publish_as_of, republish_list
from home.models import PublicityNoticePage
from roster import services
from roster.models import Entry, Objection, Person
from tests.clock import moment, travel
from tests.factories import EntryFactory, PersonFactory, UserFactory, objection_data
from tests.moves import fresh, link_district_notice
from workflow import roles
from workflow.errors import TransitionRefused
from workflow.states import Status

S = Status


@pytest.fixture
def notice(demo_site):
    return demo_site["publicity"]


def html_of(client, page):
    return client.get(page.url).content.decode()


def test_district_list_is_fixed_at_publication(client, notice, demo_site):
    round_ = notice.round
    office = UserFactory(role=roles.OFFICE)
    entry = EntryFactory(round=round_, status=S.SHORTLISTED)
    waiting = EntryFactory(round=round_, status=S.QUALIFIED)
    link_district_notice(round_, notice)
    html = html_of(client, notice)
    assert entry.person.name in html and waiting.person.name not in html
    assert entry.unit.name in html and entry.deeds_summary in html
    services.perform(entry, "start_district_publicity", office, unit_posted_on=datetime.date(2024, 12, 1))
    assert entry.district_publicity_start == notice.window_first_day()

    # Shortlisted after publication: not on this notice, and refused until a 补充公示 lists it.
    services.perform(waiting, "shortlist", office)
    with pytest.raises(TransitionRefused, match="补充公示"):
        services.perform(waiting, "start_district_publicity", office, unit_posted_on=datetime.date(2024, 12, 1))
    assert waiting.person.name not in html_of(client, notice)
    supplement = publish_as_of(
        notice.get_parent(),
        PublicityNoticePage(title="补充公示", slug="supplement", round=round_, level="district"),
        moment(2026, 12, 1, 0),
        list(PublicityNoticePage(round=round_, level="district").entries_to_list()),
    )
    assert [row["name"] for row in supplement.listed_rows()] == [waiting.person.name]
    services.perform(waiting, "start_district_publicity", office, unit_posted_on=datetime.date(2024, 12, 1))
    assert fresh(waiting).district_publicity_start == datetime.date(2026, 12, 1)

    with travel(2026, 12, 30):
        services.perform(entry, "start_inspection", office)
    # A later move never edits a published notice.
    assert entry.person.name in html_of(client, notice)


def test_published_list_keeps_the_published_facts(client, notice):
    entry = EntryFactory(round=notice.round, status=S.SHORTLISTED)
    published_name = entry.person.name
    link_district_notice(notice.round, notice)
    # A later correction of the person does not change what was published (SPEC §4).
    Person.objects.filter(pk=entry.person_id).update(name="更正后姓名")
    cache.clear()
    html = html_of(client, notice)
    assert published_name in html and "更正后姓名" not in html


def test_unpublishing_stops_the_window(notice):
    office = UserFactory(role=roles.OFFICE)
    entry = EntryFactory(round=notice.round, status=S.SHORTLISTED)
    link_district_notice(notice.round, notice)
    services.perform(entry, "start_district_publicity", office, unit_posted_on=datetime.date(2024, 12, 1))
    notice.unpublish()
    with travel(2026, 12, 30), pytest.raises(TransitionRefused, match="已撤下"):
        services.perform(entry, "start_inspection", office)
    assert fresh(entry).status == S.DISTRICT_PUBLICITY


def test_results_list_is_fixed_and_revocation_never_edits_it(client, demo_site):
    results = demo_site["results"]
    office, other_office = UserFactory(role=roles.OFFICE), UserFactory(role=roles.OFFICE)
    active = EntryFactory(round=results.round, status=S.ACTIVE)
    results.document_number = active.announcement_number
    results.save()
    republish_list(results, moment(2025, 1, 20, 9))
    html = html_of(client, results)
    assert active.person.name in html and active.certificate_number in html and active.announcement_number in html
    services.perform(
        active, "propose_revocation", office, comment="弄虚作假", ground=3, fact_date=datetime.date(2024, 1, 1)
    )
    services.perform(active, "approve_revocation", other_office, comment="经核实，批准取消")
    assert active.person.name in html_of(client, results)
    # The current status is on the certificate verification, not on the announcement.
    assert "已取消" in client.get(f"/chief-technicians/verify/?number={active.certificate_number}").content.decode()


def test_notice_with_an_empty_list_is_not_published(client, notice):
    notice.unpublish()
    client.force_login(UserFactory(role=roles.OFFICE))
    data = nested_form_data(
        {
            "title": notice.title,
            "slug": notice.slug,
            "round": notice.round_id,
            "level": "district",
            "summary": "测试",
            "body": rich_text("<p>测试正文</p>"),
            "action-publish": "1",
        }
    )
    response = client.post(f"/admin/pages/{notice.pk}/edit/", data, follow=True)
    assert "名单为空，不能发布" in response.content.decode()
    notice.refresh_from_db()
    assert not notice.live and not notice.listings.exists()
    # Once the round has a shortlisted entry, the same form publishes it with that entry listed.
    entry = EntryFactory(round=notice.round, status=S.SHORTLISTED)
    client.post(f"/admin/pages/{notice.pk}/edit/", data)
    notice.refresh_from_db()
    assert notice.live and list(notice.listings.values_list("entry_id", flat=True)) == [entry.pk]


def test_no_personal_number_on_notice_pages(client, demo_site):
    for status in (S.DISTRICT_PUBLICITY, S.ACTIVE):
        EntryFactory(round=demo_site["publicity"].round, status=status)
    republish_list(demo_site["results"], moment(2025, 1, 20, 9))
    for key in ("publicity", "results", "call", "home", "roster"):
        html = html_of(client, demo_site[key])
        for person in Person.objects.all():
            assert person.id_number not in html and person.phone not in html
            assert person.birth_date.strftime("%Y-%m-%d") not in html
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", html)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", html)


def test_window_counts_working_days_from_the_go_live_rule(demo_site):
    notice = demo_site["publicity"]
    notice.live = True
    went_live = moment(2026, 9, 30, 15)  # a day begun is not counted
    notice.go_live_at = moment(2026, 9, 29, 0)  # a go-live time set in the past is only a wish (SPEC §3)
    notice.first_published_at = went_live
    # the next day, 1 October, is National Day: the 5 working days are 8, 9, 10 (adjusted Saturday), 12, 13 October
    assert notice.window_first_day() == datetime.date(2026, 10, 1)
    with travel(2026, 9, 30):
        w = notice.window()
        assert (w["state"], w["end"]) == ("pending", datetime.date(2026, 10, 13))
    with travel(2026, 10, 10):
        assert notice.window()["days_left"] == 3
    with travel(2026, 10, 14):
        assert notice.window()["state"] == "ended"
    notice.first_published_at = moment(2026, 9, 30, 0)
    assert notice.window_first_day() == datetime.date(2026, 9, 30)


def test_start_district_publicity_requires_the_live_notice(demo_site):
    entry = EntryFactory(status=S.SHORTLISTED)  # its round has no notice
    office = UserFactory(role=roles.OFFICE)
    allowed = {n: (ok, r) for n, ok, r in services.available(entry, office)}
    assert not allowed["start_district_publicity"][0] and "第九条第五项" in allowed["start_district_publicity"][1]
    link_district_notice(entry.round, demo_site["publicity"])
    services.perform(entry, "start_district_publicity", office, unit_posted_on=datetime.date(2024, 12, 1))
    assert entry.status == S.DISTRICT_PUBLICITY


def test_public_objection_valid_invalid_late_and_flood(client, notice):
    cache.clear()
    entry = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    response = client.post(notice.objection_url(), objection_data(entry))
    # Post/redirect/get: the confirmation is a page of its own, shown once.
    assert response.status_code == 302 and response["Location"] == f"{notice.objection_url()}?filed=1"
    objection = Objection.objects.get(entry=entry)
    assert objection.from_public and objection.window == "district" and objection.status == "open"
    assert objection.reference in client.get(response["Location"]).content.decode()
    reloaded = client.get(response["Location"]).content.decode()
    assert objection.reference not in reloaded and Objection.objects.count() == 1
    office = UserFactory(role=roles.OFFICE)
    with travel(2026, 12, 30):
        assert any("异议尚未处理" in r for n, ok, r in services.available(entry, office) if n == "start_inspection")

    bad = client.post(notice.objection_url(), objection_data(entry, submitter_name="", facts="短"))
    assert bad.status_code == 400 and "field-error" in bad.content.decode() and "必需字段" in bad.content.decode()
    assert "请把反映的事实写具体，至少10个字（现在是1个字）" in bad.content.decode()
    spam = client.post(notice.objection_url(), objection_data(entry, website="http://spam"))
    assert spam.status_code == 400
    other_round = EntryFactory(status=S.DISTRICT_PUBLICITY)
    assert client.post(notice.objection_url(), objection_data(other_round)).status_code == 400
    assert Objection.objects.count() == 1

    cache.clear()
    for _ in range(5):
        client.post(notice.objection_url(), objection_data(entry, facts="重复提交的异议内容，超过十个字。"))
    flood = client.post(notice.objection_url(), objection_data(entry))
    assert flood.status_code == 429 and "过于频繁" in flood.content.decode()
    assert Objection.objects.count() == 6

    cache.clear()
    with travel(2027, 1, 20):
        from workflow.models import OfficialCalendarYear

        OfficialCalendarYear.objects.create(year=2027, source="测试", published=True)
        late = client.post(notice.objection_url(), objection_data(entry))
    assert late.status_code == 403 and "公示期已结束" in late.content.decode()
    assert Objection.objects.count() == 6


def test_round_opens_for_entries_only_with_a_published_call(demo_site):
    round_ = demo_site["call"].round
    person = EntryFactory(round=round_).person
    second = Entry(round=round_, person=PersonFactory(unit=person.unit), unit=person.unit)
    with travel(2024, 11, 1):
        assert round_.is_open_for_entries()
    with travel(2024, 12, 1):
        assert not round_.is_open_for_entries()
        with pytest.raises(ValidationError, match="第九条第一项"):
            second.full_clean()
    demo_site["call"].unpublish()
    with travel(2024, 11, 1):
        assert not round_.is_open_for_entries()


def test_home_shows_open_windows_first(client, notice, demo_site):
    with travel(2026, 11, 26):
        html = client.get("/").content.decode()
    assert "正在公示" in html and "还剩" in html
    assert html.index("正在公示") < html.index("latest-heading")


def test_cached_pages_change_at_once_after_a_transition(client, notice):
    office = UserFactory(role=roles.OFFICE)
    entry = EntryFactory(round=notice.round, status=S.SHORTLISTED)
    link_district_notice(notice.round, notice)
    first = client.get("/")
    assert first["X-Portal-Cache"] == "miss"
    assert client.get("/")["X-Portal-Cache"] == "hit"
    roster = client.get("/chief-technicians/")
    assert roster.status_code == 200
    # The notice itself is cached; its objection form (CSRF token) lives on its own address, never cached.
    assert client.get(notice.url)["X-Portal-Cache"] == "miss"
    assert client.get(notice.url)["X-Portal-Cache"] == "hit"
    form_page = client.get(notice.objection_url())
    assert form_page.status_code == 200 and "csrfmiddlewaretoken" in form_page.content.decode()
    assert "X-Portal-Cache" not in form_page and "X-Portal-Cache" not in client.get(notice.objection_url())
    services.perform(entry, "start_district_publicity", office, unit_posted_on=datetime.date(2024, 12, 1))
    assert entry.person.name in html_of(client, notice)
    active = EntryFactory(round=notice.round, status=S.ACTIVE)
    listing = client.get("/chief-technicians/")
    assert active.person.name in listing.content.decode()
    assert client.get("/chief-technicians/")["X-Portal-Cache"] == "hit"
    other = UserFactory(role=roles.OFFICE)
    services.perform(active, "propose_revocation", office, comment="违纪", ground=4)
    services.perform(active, "approve_revocation", other, comment="批准")
    after = client.get("/chief-technicians/")
    assert after["X-Portal-Cache"] == "miss" and active.person.name not in after.content.decode()


def test_unit_publicity_keeps_a_snapshot_of_the_published_facts(db):
    entry = EntryFactory(status=S.DRAFT)
    recommender = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    services.perform(entry, "start_unit_publicity", recommender)
    facts = fresh(entry).published_facts
    assert facts["name"] == entry.person.name and facts["unit_name"] == entry.unit.name
    assert facts["deeds_summary"] == entry.deeds_summary and facts["level"]
    Person.objects.filter(pk=entry.person_id).update(name="更正后姓名")
    assert fresh(entry).published_facts["name"] == entry.person.name


def test_a_submission_after_the_deadline_is_marked_late_for_the_office(db, client):
    entry = EntryFactory(status=S.UNIT_PUBLICITY)  # its round's deadline passed in 2024
    on_time = EntryFactory(status=S.SUBMITTED, round=entry.round)
    services.perform(entry, "submit", UserFactory(role=roles.RECOMMENDER, unit=entry.unit))
    assert fresh(entry).is_late and not on_time.is_late
    client.force_login(UserFactory(role=roles.OFFICE))
    listing = client.get("/admin/snippets/roster/entry/").content.decode()
    assert listing.count("（逾期）") == 1
    inspect = client.get(f"/admin/snippets/roster/entry/inspect/{entry.pk}/").content.decode()
    assert "逾期上报" in inspect and "2024-11-29" in inspect
