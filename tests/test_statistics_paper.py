import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from roster import statistics
from roster.models import Entry
from tests.factories import EntryFactory, PersonFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.eligibility import age_on
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def population():
    emerging = UnitFactory(industry="emerging")
    EntryFactory(status=S.ACTIVE, person=PersonFactory(unit=emerging, qualification_level=5))
    EntryFactory(status=S.TERM_PASSED)
    EntryFactory(status=S.REVOKED)
    EntryFactory(status=S.SUBMITTED, person=PersonFactory(unit=emerging))
    EntryFactory(status=S.DRAFT)


def test_statistics_equal_direct_queries(population):
    chief = Entry.objects.filter(
        status__in=[S.ACTIVE, S.BENEFITS_STOPPED, S.REVOCATION_PENDING, S.TERM_PASSED, S.TERM_ENDED]
    )
    industry = dict(statistics.table("chief", "industry"))
    assert industry["新兴产业"] == chief.filter(unit__industry="emerging").count() == 1
    assert sum(industry.values()) == chief.count() == 2
    level = dict(statistics.table("chief", "level"))
    assert level["特级技师"] == chief.filter(person__qualification_level=5).count()
    candidates = Entry.objects.exclude(status__in=[S.DRAFT, S.UNIT_PUBLICITY])
    assert (
        dict(statistics.table("candidates", "industry"))["新兴产业"]
        == candidates.filter(unit__industry="emerging").count()
    )
    batch = dict(statistics.table("candidates", "batch"))
    assert batch == {
        f"{y}年度": candidates.filter(round__year=y).count() for y in candidates.values_list("round__year", flat=True)
    }
    ages = dict(statistics.table("candidates", "age"))
    direct = sum(1 for e in candidates if 41 <= age_on(e.person.birth_date, e.round.call_date) <= 45)
    assert ages["41—45岁"] == direct


def test_statistics_page_and_download(client, population):
    office = UserFactory(role=roles.OFFICE)
    client.force_login(office)
    html = client.get(reverse("roster_statistics")).content.decode()
    assert "<svg" in html and "按产业类别统计" in html and "按批次统计" in html
    response = client.get(reverse("roster_statistics"), {"download": "industry", "population": "chief"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["新兴产业"] == 1 and rows["合计"] == 2
    assert client.get(reverse("roster_statistics"), {"download": "nope"}).status_code == 404
    client.force_login(UserFactory(role=roles.FINANCE))
    assert client.get(reverse("roster_statistics")).status_code in (302, 403)


def test_application_form_and_certificate_docx(client):
    entry = EntryFactory(status=S.ACTIVE)
    office = UserFactory(role=roles.OFFICE)
    client.force_login(office)
    form = Document(io.BytesIO(client.get(reverse("roster_form_docx", args=(entry.pk,))).content))
    text = "\n".join(p.text for p in form.paragraphs) + "".join(
        c.text for t in form.tables for r in t.rows for c in r.cells
    )
    assert "市中首席技师申报表" in text and entry.person.name in text and "事迹材料" in text
    cert = Document(io.BytesIO(client.get(reverse("roster_certificate_docx", args=(entry.pk,))).content))
    cert_text = "\n".join(p.text for p in cert.paragraphs)
    assert entry.certificate_number in cert_text and "市中首席技师" in cert_text
    assert (
        form.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "宋体"
    )
    other_unit = UserFactory(role=roles.RECOMMENDER, unit=UnitFactory())
    client.force_login(other_unit)
    assert client.get(reverse("roster_form_docx", args=(entry.pk,))).status_code == 404
    own = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    client.force_login(own)
    assert client.get(reverse("roster_form_docx", args=(entry.pk,))).status_code == 200
    assert client.get(reverse("roster_certificate_docx", args=(entry.pk,))).status_code in (302, 403)
