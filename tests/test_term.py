"""Certificates, terms and what follows them (SPEC §6, §7, §8): certify, the daily job that ends due
terms, a failed 期满评估 banning the unit (Art 14(3)), the public roster and profile pages, certificate
verification with its rate limit, and the talent-pool export (Art 11)."""

import datetime
import io
import re
from io import StringIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from roster.models import Entry, Person, Unit
from roster.services import history, perform
from tests.clock import NOW, on
from tests.factories import DEEDS, EntryFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from workflow import eligibility, roles
from workflow.errors import TransitionRefused
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db

TODAY = NOW.date()
CERT_NUMBER = re.compile(r"^SZSX-(\d{4})-(\d{3})$")
ID_NUMBER_LIKE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
MOBILE_LIKE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


@pytest.fixture(autouse=True)
def clock():
    """'Today' is 24 November 2026 in Shanghai."""
    with time_machine.travel(NOW, tick=False):
        yield


def certified(announced: datetime.date, office, **factory_kwargs) -> Entry:
    year = announced.year if announced >= datetime.date(announced.year, 10, 15) else announced.year - 1
    factory_kwargs.setdefault("round", RoundFactory(year=year))
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW, **factory_kwargs)
    perform(entry, "certify", office, announcement_date=announced)
    entry.refresh_from_db()
    return entry


# ---------------------------------------------------------------------------------------------------
# certify
# ---------------------------------------------------------------------------------------------------


def test_certify_numbers_the_certificate_and_sets_a_four_year_term(office):
    round_ = RoundFactory(year=2023)
    first = certified(datetime.date(2024, 1, 20), office, round=round_)
    second = certified(datetime.date(2024, 2, 29), office, round=round_)
    for entry in (first, second):
        match = CERT_NUMBER.match(entry.certificate_number)
        assert match, entry.certificate_number
        assert match.group(1) == "2023"
        assert entry.status == S.ACTIVE
    assert {first.certificate_number, second.certificate_number} == {"SZSX-2023-001", "SZSX-2023-002"}
    assert (first.term_start, first.term_end) == (datetime.date(2024, 1, 20), datetime.date(2028, 1, 20))
    # The same calendar date four years later: 2028 has a 29 February.
    assert (second.term_start, second.term_end) == (datetime.date(2024, 2, 29), datetime.date(2028, 2, 29))
    row = history(first).last()
    assert row.data["transition"] == "certify" and row.data["to"] == S.ACTIVE


def test_term_from_29_february_ends_on_28_february_when_the_date_does_not_exist(office):
    # 2100 is not a leap year: 29 February 2096 + 4 years → 28 February 2100 (SPEC §6).
    with on(datetime.date(2096, 3, 2)):
        entry = certified(datetime.date(2096, 2, 29), office)
    assert entry.certificate_number == "SZSX-2095-001"
    assert (entry.term_start, entry.term_end) == (datetime.date(2096, 2, 29), datetime.date(2100, 2, 28))


# ---------------------------------------------------------------------------------------------------
# roster_daily
# ---------------------------------------------------------------------------------------------------


def run_daily() -> str:
    out = StringIO()
    call_command("roster_daily", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_daily_job_ends_due_terms_and_is_idempotent(office):
    due_active = certified(datetime.date(2022, 3, 10), office)  # term_end 2026-03-10
    due_today = certified(datetime.date(2022, 11, 24), office)  # term_end today
    due_stopped = certified(datetime.date(2022, 5, 5), office)
    perform(due_stopped, "stop_benefits", office, reason="left_post", effective_date=datetime.date(2023, 1, 1))
    not_due = certified(datetime.date(2022, 11, 25), office)  # term_end tomorrow
    running = EntryFactory(status=S.ACTIVE)  # term to 2029
    # A due term does not end while a revocation is pending (SPEC §6).
    pending = EntryFactory(status=S.REVOCATION_PENDING, round=RoundFactory(year=2021))
    assert pending.term_end <= TODAY

    due = [due_active, due_today, due_stopped]
    untouched = [not_due, running, pending]
    sources = {e.pk: Entry.objects.get(pk=e.pk).status for e in due + untouched}
    counts = {e.pk: history(e).count() for e in due + untouched}

    output = run_daily()
    assert "结束管理期 3 人" in output
    for entry in due:
        fresh = Entry.objects.get(pk=entry.pk)
        assert fresh.status == S.TERM_ENDED, entry.certificate_number
        assert fresh.certificate_number in output
        assert history(entry).count() == counts[entry.pk] + 1
        row = history(entry).order_by("-pk").first()
        assert row.data["transition"] == "end_term"
        assert row.data["from"] == sources[entry.pk] and row.data["to"] == S.TERM_ENDED
    assert Entry.objects.get(pk=due_stopped.pk).benefits_stop_reason == "left_post"
    for entry in untouched:
        assert Entry.objects.get(pk=entry.pk).status == sources[entry.pk]
        assert history(entry).count() == counts[entry.pk]

    again = run_daily()
    assert "结束管理期 0 人" in again
    for entry in due + untouched:
        assert history(entry).count() == counts[entry.pk] + (1 if entry in due else 0)
    assert Entry.objects.filter(status=S.TERM_ENDED).count() == 3


def test_daily_job_ends_a_term_once_it_falls_due(office):
    entry = certified(datetime.date(2022, 11, 25), office)
    run_daily()
    assert Entry.objects.get(pk=entry.pk).status == S.ACTIVE
    with on(datetime.date(2026, 11, 25)):
        run_daily()
    assert Entry.objects.get(pk=entry.pk).status == S.TERM_ENDED


# ---------------------------------------------------------------------------------------------------
# failed 期满评估 and the unit ban (Art 14(3))
# ---------------------------------------------------------------------------------------------------


def test_failed_term_evaluation_without_unit_responsibility_bans_nobody(office):
    entry = EntryFactory(status=S.TERM_ENDED)
    perform(entry, "fail_term_evaluation", office, comment="期满评估不合格", unit_responsible=False)
    entry.refresh_from_db()
    assert entry.status == S.REVOKED
    unit = Unit.objects.get(pk=entry.unit_id)
    assert not unit.banned and unit.banned_on is None


def test_failed_term_evaluation_with_unit_responsible_bans_the_unit(office, client):
    entry = EntryFactory(status=S.TERM_ENDED)
    perform(entry, "fail_term_evaluation", office, comment="期满评估不合格，单位未履行管理职责", unit_responsible=True)
    entry.refresh_from_db()
    assert entry.status == S.REVOKED and entry.unit_responsible
    unit = Unit.objects.get(pk=entry.unit_id)
    assert unit.banned and unit.ban_reason.strip() and unit.banned_on == TODAY

    # Another person of that unit in a later round.
    later = RoundFactory(year=2026)
    newcomer = EntryFactory(round=later, person=PersonFactory(unit=unit))
    line = next(c for c in newcomer.checklist() if c.key == "unit_ban")
    assert line.status == eligibility.FAIL and line.article == "第十四条第三项"

    recommender = UserFactory(role=roles.RECOMMENDER, unit=unit)
    before = history(newcomer).count()
    with pytest.raises(TransitionRefused) as info:
        perform(newcomer, "start_unit_publicity", recommender)
    assert info.value.article == "第十四条第三项"
    assert re.search(r"[\u4e00-\u9fff]", info.value.reason)
    assert Entry.objects.get(pk=newcomer.pk).status == S.DRAFT and history(newcomer).count() == before

    # A unit that is not banned goes ahead in the same round.
    other_unit = UnitFactory()
    other = EntryFactory(round=later, person=PersonFactory(unit=other_unit))
    perform(other, "start_unit_publicity", UserFactory(role=roles.RECOMMENDER, unit=other_unit))
    assert Entry.objects.get(pk=other.pk).status == S.UNIT_PUBLICITY

    # The office sees the ban on the unit's admin page.
    client.force_login(office)
    page = client.get(reverse("wagtailsnippets_roster_unit:inspect", args=(unit.pk,)))
    assert page.status_code == 200
    html = page.content.decode()
    assert unit.ban_reason in html
    listing = client.get(reverse("wagtailsnippets_roster_unit:list") + "?banned=true").content.decode()
    assert unit.name in listing and other_unit.name not in listing


# ---------------------------------------------------------------------------------------------------
# public roster and profiles (SPEC §8)
# ---------------------------------------------------------------------------------------------------


def assert_no_personal_data(html: str):
    for person in Person.objects.all():
        assert person.id_number not in html, person.name
        assert person.phone not in html, person.name
        born = person.birth_date
        for text in (born.isoformat(), f"{born.year}年{born.month}月{born.day}日", born.strftime("%Y%m%d")):
            assert text not in html, (person.name, text)
    assert not ID_NUMBER_LIKE.search(html), ID_NUMBER_LIKE.search(html).group(0)
    assert not MOBILE_LIKE.search(html), MOBILE_LIKE.search(html).group(0)


@pytest.fixture
def public_entries(db):
    return {
        "active": EntryFactory(status=S.ACTIVE, person=PersonFactory(name="赵在管")),
        "stopped": EntryFactory(status=S.BENEFITS_STOPPED, person=PersonFactory(name="钱停待")),
        "passed": EntryFactory(status=S.TERM_PASSED, person=PersonFactory(name="孙期满")),
        "revoked": EntryFactory(status=S.REVOKED, person=PersonFactory(name="李取消")),
        "draft": EntryFactory(status=S.DRAFT, person=PersonFactory(name="周草稿")),
        "submitted": EntryFactory(status=S.SUBMITTED, person=PersonFactory(name="吴上报")),
    }


def profile_url(roster, entry) -> str:
    return f"{roster.url}{entry.pk}/"


def test_roster_lists_chief_technicians_by_batch_without_personal_data(demo_site, public_entries, client):
    roster = demo_site["roster"]
    assert roster.url == "/chief-technicians/"
    response = client.get(roster.url)
    assert response.status_code == 200
    latest = response.content.decode()
    # The latest batch first, the others one page each, reached from the batch list.
    assert "2024年度市中首席技师" in latest and "2021年度市中首席技师" not in latest
    assert f'href="{roster.url}batch/2021/"' in latest
    for key in ("active", "stopped"):
        entry = public_entries[key]
        assert entry.person.name in latest and profile_url(roster, entry) in latest
    earlier = client.get(f"{roster.url}batch/2021/")
    assert earlier.status_code == 200
    batch_2021 = earlier.content.decode()
    assert "2021年度市中首席技师" in batch_2021 and f'href="{roster.url}"' in batch_2021
    passed = public_entries["passed"]
    assert passed.person.name in batch_2021 and profile_url(roster, passed) in batch_2021
    assert passed.person.name not in latest
    assert client.get(f"{roster.url}batch/1999/").status_code == 404
    for html in (latest, batch_2021):
        for key in ("revoked", "draft", "submitted"):
            entry = public_entries[key]
            assert entry.person.name not in html
            assert profile_url(roster, entry) not in html
        assert_no_personal_data(html)


def test_roster_pages_a_large_batch(demo_site, client):
    roster = demo_site["roster"]
    first_entry = EntryFactory(status=S.ACTIVE)
    batch = [first_entry] + [EntryFactory(status=S.ACTIVE, round=first_entry.round) for _ in range(roster.per_page)]
    assert roster.batches() == [(first_entry.round.year, roster.per_page + 1)]
    first = client.get(roster.url).content.decode()
    second = client.get(f"{roster.url}?page=2").content.decode()
    assert "第 1 页，共 2 页" in first and "第 2 页，共 2 页" in second
    on_first = [e for e in batch if profile_url(roster, e) in first]
    on_second = [e for e in batch if profile_url(roster, e) in second]
    assert len(on_first) == roster.per_page and len(on_second) == 1 and on_second[0] not in on_first


def test_profile_shows_deeds_and_never_personal_data(demo_site, public_entries, client):
    roster = demo_site["roster"]
    for key in ("active", "stopped", "passed"):
        entry = public_entries[key]
        response = client.get(profile_url(roster, entry))
        assert response.status_code == 200, key
        html = response.content.decode()
        assert entry.person.name in html and entry.unit.name in html
        assert DEEDS[:40] in html
        assert_no_personal_data(html)
    for key in ("revoked", "draft", "submitted"):
        assert client.get(profile_url(roster, public_entries[key])).status_code == 404, key


def test_profile_shows_the_term_and_the_certificates_status(demo_site, public_entries, client):
    roster = demo_site["roster"]
    for key, status in (("active", "管理期内"), ("stopped", "管理期内"), ("passed", "期满")):
        entry = public_entries[key]
        html = client.get(profile_url(roster, entry)).content.decode()
        term = f"{entry.term_start:%Y}年{entry.term_start.month}月{entry.term_start.day}日至{entry.term_end:%Y}年"
        assert term in html, key
        assert entry.certificate_number in html and f"<dd>{status}</dd>" in html, key
        # The profile leads to the verification of its own certificate.
        assert f"verify/?number={entry.certificate_number}" in html, key


def test_profile_shows_the_photo_when_there_is_one(demo_site, public_entries, client):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    roster = demo_site["roster"]
    entry = public_entries["active"]
    article = client.get(profile_url(roster, entry)).content.decode().split("<article", 1)[1].split("</article>")[0]
    assert "<img" not in article
    entry.person.photo = Image.objects.create(title="照片", file=get_test_image_file())
    entry.person.save(update_fields=["photo"])
    cache.clear()
    article = client.get(profile_url(roster, entry)).content.decode().split("<article", 1)[1].split("</article>")[0]
    assert f'alt="{entry.person.name}"' in article and "<img" in article


def test_approved_revocation_removes_the_entry_from_the_roster(demo_site, office, office2, client):
    roster = demo_site["roster"]
    entry = EntryFactory(status=S.ACTIVE, person=PersonFactory(name="郑将撤"))
    assert "郑将撤" in client.get(roster.url).content.decode()
    assert client.get(profile_url(roster, entry)).status_code == 200

    perform(
        entry, "propose_revocation", office, comment="弄虚作假骗取称号", ground=3, fact_date=datetime.date(2024, 5, 1)
    )
    perform(entry, "approve_revocation", office2, comment="经研究，批准取消")
    entry.refresh_from_db()
    assert entry.status == S.REVOKED and entry.certificate_recalled

    assert "郑将撤" not in client.get(roster.url).content.decode()
    assert client.get(profile_url(roster, entry)).status_code == 404
    html = client.get(verify_url(roster, entry.certificate_number)).content.decode()
    assert "已取消" in html and "管理期内" not in html


# ---------------------------------------------------------------------------------------------------
# certificate verification (SPEC §8)
# ---------------------------------------------------------------------------------------------------


def verify_url(roster, number: str) -> str:
    return f"{roster.url}verify/?number={number}"


def test_verification_of_an_active_certificate(demo_site, client):
    roster = demo_site["roster"]
    entry = EntryFactory(status=S.ACTIVE, person=PersonFactory(name="冯查验"))
    response = client.get(verify_url(roster, entry.certificate_number))
    assert response.status_code == 200
    html = response.content.decode()
    assert "冯查验" in html
    assert "2024年度" in html
    assert "2025年1月20日" in html and "2029年1月20日" in html
    assert "管理期内" in html and "期满" not in html and "已取消" not in html
    # Nothing else: no unit, deeds or personal data.
    assert entry.unit.name not in html and entry.deeds_summary not in html
    assert_no_personal_data(html)
    # The number is read case-insensitively.
    assert "冯查验" in client.get(verify_url(roster, entry.certificate_number.lower())).content.decode()


@pytest.mark.parametrize(
    "status,word",
    [(S.TERM_ENDED, "期满"), (S.TERM_PASSED, "期满"), (S.REVOKED, "已取消"), (S.BENEFITS_STOPPED, "管理期内")],
)
def test_verification_status_words(demo_site, client, status, word):
    roster = demo_site["roster"]
    entry = EntryFactory(status=status, person=PersonFactory(name="陈持证"))
    html = client.get(verify_url(roster, entry.certificate_number)).content.decode()
    assert "陈持证" in html and f"{entry.round.year}年度" in html
    assert f"<strong>{word}</strong>" in html
    for other in {"管理期内", "期满", "已取消"} - {word}:
        assert f"<strong>{other}</strong>" not in html


def test_verification_of_an_unknown_number(demo_site, public_entries, client):
    roster = demo_site["roster"]
    response = client.get(verify_url(roster, "SZSX-1999-999"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "未查到" in html
    assert "持证人" not in html and "管理期内" not in html
    for entry in public_entries.values():
        assert entry.person.name not in html


def test_verification_is_rate_limited_per_ip(demo_site, client):
    roster = demo_site["roster"]
    entry = EntryFactory(status=S.ACTIVE, person=PersonFactory(name="褚限流"))
    cache.clear()
    numbers = [entry.certificate_number] + [f"SZSX-1999-{n:03d}" for n in range(1, 10)]
    for number in numbers:
        assert client.get(verify_url(roster, number)).status_code == 200, number
    # The 11th lookup within the minute from the same address.
    limited = client.get(verify_url(roster, "SZSX-1998-001"))
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "查询过于频繁" in html and "未查到" not in html
    # Another address is not limited.
    other = client.get(verify_url(roster, "SZSX-1998-002"), REMOTE_ADDR="192.0.2.77")
    assert other.status_code == 200 and "未查到" in other.content.decode()
    # Two minutes later the first address may look up again.
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        assert client.get(verify_url(roster, "SZSX-1998-003")).status_code == 200


def test_repeated_lookups_of_one_number_are_rate_limited_too(demo_site, client):
    """Every lookup counts, also the same number again (the public page cache must not bypass the limit)."""
    roster = demo_site["roster"]
    entry = EntryFactory(status=S.ACTIVE, person=PersonFactory(name="卫重复"))
    cache.clear()
    url = verify_url(roster, entry.certificate_number)
    for n in range(10):
        response = client.get(url)
        assert response.status_code == 200, n
        assert "卫重复" in response.content.decode()
    limited = client.get(url)
    assert limited.status_code == 429, f"X-Portal-Cache: {limited.get('X-Portal-Cache')}"
    html = limited.content.decode()
    assert "查询过于频繁" in html and "卫重复" not in html


# ---------------------------------------------------------------------------------------------------
# talent-pool export (Art 11)
# ---------------------------------------------------------------------------------------------------


def sheet_rows(content: bytes) -> tuple[list, list[list]]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], [row for row in rows[1:] if row[0] and not str(row[0]).startswith("合计")]


def test_talent_pool_export_numbers_for_the_office_only(public_entries, office, client):
    titled = [public_entries[k] for k in ("active", "stopped", "passed")]

    client.force_login(office)
    response = client.get(reverse("roster_talent_pool"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header, office_rows = sheet_rows(response.content)
    id_col, phone_col = header.index("居民身份证号"), header.index("联系电话")
    by_name = {row[header.index("姓名")]: row for row in office_rows}
    for entry in titled:
        row = by_name[entry.person.name]
        assert row[id_col] == entry.person.id_number and row[phone_col] == entry.person.phone

    client.force_login(UserFactory(role=roles.LEADING_GROUP))
    response = client.get(reverse("roster_talent_pool"))
    assert response.status_code == 200
    lg_header, lg_rows = sheet_rows(response.content)
    assert "居民身份证号" not in lg_header and "联系电话" not in lg_header
    assert {row[lg_header.index("姓名")] for row in lg_rows} == set(by_name)
    # Same rows, the personal columns left out.
    common = [h for h in header if h in lg_header]
    assert common == lg_header
    office_view = sorted(tuple(str(row[header.index(h)]) for h in common) for row in office_rows)
    lg_view = sorted(tuple(str(row[lg_header.index(h)]) for h in common) for row in lg_rows)
    assert office_view == lg_view
    cells = {str(cell) for row in lg_rows for cell in row}
    for person in Person.objects.all():
        assert person.id_number not in cells and person.phone not in cells


def test_verification_input_that_cannot_be_a_number_is_not_found(client, demo_site):
    for number in ("\x00", "SZSX\x00-2024", "<script>", "号码"):
        response = client.get("/chief-technicians/verify/", {"number": number})
        assert response.status_code == 200 and "未查到" in response.content.decode()
