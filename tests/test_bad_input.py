"""Bad input (issue 5, item 5): hypothesis-generated values into every public form and the main admin forms
never produce a 5xx; invalid input stores nothing and gets a Chinese message; valid input works."""

import datetime
import re
from contextlib import contextmanager

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from home.models import RosterPage
from roster import idnumber, services
from roster.models import Entry, ExpertScore, Objection, Person, TrackingEvaluation
from tests.factories import EntryFactory, UnitFactory, UserFactory, objection_data
from workflow import roles
from workflow.states import Status

S = Status
# Long queries make cache keys longer than memcached allows (the project caches with Redis or locmem).
pytestmark = [
    pytest.mark.django_db,
]
HAN = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any text: unicode of every plane, control characters, empty, and oversized values.
texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.just(""),
    st.just(" " * 5),
    st.integers(min_value=3000, max_value=12000).map(lambda n: "长" * n),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "０１２３", "NaN", "-1", "1e309"]),
)
date_strings = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
    st.sampled_from(["2025-02-30", "2025-13-01", "0000-00-00", "2025/01/20", "20250120", "明天", ""]),
    texts,
)
numbers = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), texts)


@contextmanager
def rolled_back():
    """Runs one example in a savepoint that is rolled back, so every example starts from the same records."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------------------------------------------
# Public forms
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def notice_and_candidate(demo_site):
    notice = demo_site["publicity"]
    candidate = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    notice.round = candidate.round
    notice.save_revision().publish()
    return notice, candidate


def test_public_objection_valid_input_works(client, notice_and_candidate):
    notice, candidate = notice_and_candidate
    response = client.post(notice.objection_url(), objection_data(candidate))
    assert response.status_code == 302 and Objection.objects.filter(entry=candidate, from_public=True).count() == 1


@FUZZ
@given(
    name=texts,
    contact=texts,
    facts=texts,
    website=st.one_of(st.just(""), texts),
    entry=st.one_of(st.just("valid"), numbers, texts),
)
def test_public_objection_form_never_fails_and_stores_only_valid_input(
    client, notice_and_candidate, name, contact, facts, website, entry
):
    notice, candidate = notice_and_candidate
    data = {
        "submitter_name": name,
        "submitter_contact": contact,
        "facts": facts,
        "website": website,
        "entry": candidate.pk if entry == "valid" else entry,
    }
    with rolled_back():
        before = Objection.objects.count()
        response = client.post(notice.objection_url(), data)
        assert response.status_code < 500
        if response.status_code == 200:
            assert Objection.objects.count() == before + 1
            stored = Objection.objects.latest("pk")
            assert stored.entry_id == candidate.pk and len(stored.facts) <= 3000
        else:
            assert response.status_code == 400
            assert Objection.objects.count() == before
            assert 'class="field-error' in response.content.decode() or "错误" in response.content.decode()


@FUZZ
@given(query=texts)
def test_search_box_never_fails(client, query):
    cache.clear()
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


@FUZZ
@given(number=st.one_of(texts, st.from_regex(r"SZSX-20[0-9]{2}-[0-9]{3}", fullmatch=True)))
def test_certificate_lookup_never_fails(client, demo_site, number):
    cache.clear()
    roster_page = RosterPage.objects.live().first()
    response = client.get(roster_page.url + "verify/", {"number": number})
    assert response.status_code == 200
    html = response.content.decode()
    if number.strip():
        assert "未找到" in html or "查询结果" in html or "证书" in html


# ---------------------------------------------------------------------------------------------------
# Admin: the person form (office)
# ---------------------------------------------------------------------------------------------------


def person_data(unit, **extra):
    return {
        "name": "张测试",
        "id_number": idnumber.make_id_number("370402", datetime.date(1985, 6, 15), 901),
        "phone": "0632-5550000",
        "unit": unit.pk,
        "occupation": "钳工",
        "employer": unit.name,
        "qualification_level": 4,
        "qualification_certificate": "ZG00009999",
        "qualification_date": "2015-06-01",
        "is_frontline": "on",
        **extra,
    }


PERSON_ADD = "/admin/snippets/roster/person/add/"


def test_person_add_valid_input_works_and_bad_id_number_is_refused_in_chinese(client, office):
    unit = UnitFactory()
    client.force_login(office)
    bad = client.post(PERSON_ADD, person_data(unit, id_number="370402198513451234"))
    assert bad.status_code == 200 and HAN.search(bad.content.decode())
    assert not Person.objects.exists()
    good = client.post(PERSON_ADD, person_data(unit))
    assert good.status_code == 302 and Person.objects.count() == 1


id_numbers = st.one_of(
    st.builds(
        lambda d, n: idnumber.make_id_number("370402", d, n),
        st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2005, 12, 31)),
        st.integers(min_value=0, max_value=999),
    ),
    st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True),
    texts,
)


@FUZZ
@given(
    name=texts,
    id_number=id_numbers,
    phone=texts,
    occupation=texts,
    level=numbers,
    certificate=texts,
    qualified_on=date_strings,
)
def test_person_add_never_fails_and_stores_only_valid_input(
    client, office, name, id_number, phone, occupation, level, certificate, qualified_on
):
    unit = UnitFactory()
    client.force_login(office)
    data = person_data(
        unit,
        name=name,
        id_number=id_number,
        phone=phone,
        occupation=occupation,
        qualification_level=level,
        qualification_certificate=certificate,
        qualification_date=qualified_on,
    )
    with rolled_back():
        before = Person.objects.count()
        response = client.post(PERSON_ADD, data)
        assert response.status_code < 500
        if response.status_code == 302:
            assert Person.objects.count() == before + 1
            person = Person.objects.latest("pk")
            assert idnumber.normalise(id_number.strip()) == person.id_number
        else:
            assert response.status_code == 200
            assert Person.objects.count() == before
            assert HAN.search(response.content.decode())


# ---------------------------------------------------------------------------------------------------
# Admin: the move form
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def move_entries(db):
    return {
        "certify": EntryFactory(status=S.GOVERNMENT_REVIEW),
        "stop_benefits": EntryFactory(status=S.ACTIVE),
        "propose_revocation": EntryFactory(status=S.ACTIVE),
        "start_unit_publicity": EntryFactory(status=S.DRAFT),
    }


MOVE_DATA = st.fixed_dictionaries(
    {
        "comment": st.one_of(st.just(""), texts),
        "announcement_date": date_strings,
        "announcement_number": texts,
        "certificate_number": st.one_of(st.just(""), texts, st.just("SZSX-2024-001")),
        "reason": st.one_of(st.sampled_from(["left_post", "moved_out", "city_chief"]), texts),
        "effective_date": date_strings,
        "ground": st.one_of(st.sampled_from(["1", "2", "3", "4"]), numbers),
        "fact_date": date_strings,
        "first_day": date_strings,
        "confirmed": st.just("True"),
    }
)


@FUZZ
@given(name=st.sampled_from(["certify", "stop_benefits", "propose_revocation", "start_unit_publicity"]), data=MOVE_DATA)
def test_move_form_never_fails_and_changes_nothing_when_refused(client, office, move_entries, name, data):
    entry = move_entries[name]
    user = office
    if name == "start_unit_publicity":
        user = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    client.force_login(user)
    with rolled_back():
        status, history = entry.status, services.history(entry).count()
        response = client.post(reverse("roster_entry_move", args=(entry.pk, name)), data)
        assert response.status_code == 302
        after = Entry.objects.get(pk=entry.pk)
        notes = messages_of(response)
        assert notes and all(HAN.search(n) for n in notes)
        if after.status == status:
            assert services.history(entry).count() == history
            assert any(n.startswith("未能") or "：" in n for n in notes)
        else:
            assert services.history(entry).count() == history + 1
            assert any("已办理" in n for n in notes)


def test_move_form_valid_input_works(client, office, move_entries):
    client.force_login(office)
    entry = move_entries["certify"]
    client.post(reverse("roster_entry_move", args=(entry.pk, "certify")), {"announcement_date": "2025-01-20"})
    entry.refresh_from_db()
    assert entry.status == S.ACTIVE
    entry = move_entries["propose_revocation"]
    client.post(
        reverse("roster_entry_move", args=(entry.pk, "propose_revocation")),
        {"ground": "1", "fact_date": "2025-06-01", "comment": "违纪，经查属实", "confirmed": "True"},
    )
    entry.refresh_from_db()
    assert entry.status == S.REVOCATION_PENDING


# ---------------------------------------------------------------------------------------------------
# Admin: the expert score form and the tracking evaluation form
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def scoring(db):
    entry = EntryFactory(status=S.QUALIFIED)
    expert = UserFactory(role=roles.EXPERT)
    entry.round.experts.add(expert)
    return entry, expert


@FUZZ
@given(score=numbers, findings=st.lists(texts, min_size=5, max_size=5))
def test_expert_score_form_never_fails_and_stores_only_valid_input(client, scoring, score, findings):
    entry, expert = scoring
    client.force_login(expert)
    keys = ["finding_ethics", "finding_skill", "finding_innovation", "finding_mentoring", "opinion"]
    data = {"score": score, **dict(zip(keys, findings, strict=True))}
    with rolled_back():
        before = list(ExpertScore.objects.order_by("pk").values_list("pk", "score", "finding_skill"))
        response = client.post(reverse("roster_score_add", args=(entry.pk,)), data)
        assert response.status_code == 302
        after = list(ExpertScore.objects.order_by("pk").values_list("pk", "score", "finding_skill"))
        notes = messages_of(response)
        assert notes and all(HAN.search(n) for n in notes)
        if after == before:
            assert not any(n == "评审意见已保存。" for n in notes)
        else:
            mine = ExpertScore.objects.get(entry=entry, expert=expert)
            assert 0 <= mine.score <= 100 and all(f.strip() for f in findings[:4])
            assert len(after) == len(before) + 1


def test_expert_score_valid_input_works(client, scoring):
    entry, expert = scoring
    client.force_login(expert)
    data = {"score": 90, "finding_ethics": "好", "finding_skill": "领先", "finding_innovation": "有", "opinion": ""}
    client.post(reverse("roster_score_add", args=(entry.pk,)), {**data, "finding_mentoring": "突出"})
    assert ExpertScore.objects.filter(entry=entry, expert=expert, score=90).exists()


@pytest.fixture
def active(db):
    return EntryFactory(status=S.ACTIVE)


@FUZZ
@given(year=numbers, result=st.one_of(st.sampled_from(["pass", "fail"]), texts), comment=texts)
def test_tracking_evaluation_form_never_fails_and_stores_only_valid_input(
    client, office, active, year, result, comment
):
    client.force_login(office)
    with rolled_back():
        before = TrackingEvaluation.objects.count()
        response = client.post(
            reverse("roster_evaluation_add", args=(active.pk,)), {"year": year, "result": result, "comment": comment}
        )
        assert response.status_code == 302
        notes = messages_of(response)
        assert notes and all(HAN.search(n) for n in notes)
        if TrackingEvaluation.objects.count() == before:
            assert not any("跟踪评估已记录" in n for n in notes)
        else:
            stored = TrackingEvaluation.objects.latest("pk")
            assert active.term_start.year <= stored.year <= datetime.date.today().year
            assert stored.result in ("pass", "fail") and stored.comment.strip()


def test_tracking_evaluation_valid_input_works(client, office):
    entry = EntryFactory(status=S.ACTIVE)
    client.force_login(office)
    client.post(reverse("roster_evaluation_add", args=(entry.pk,)), {"year": 2025, "result": "pass", "comment": "良好"})
    assert TrackingEvaluation.objects.filter(entry=entry, year=2025, result="pass").exists()
