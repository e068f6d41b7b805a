"""A sheet finance can pay from (SPEC §7, Art 10): the payee's ID number, bank and account, kept by the
office and masked everywhere else; the 制表/审核/负责人 lines with real names; the payee data as it was at
approval; and the dashboard telling the second office user that a run waits for approval."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from roster.models import AllowanceRun, Person
from roster.services import perform
from tests.clock import NOW
from tests.factories import EntryFactory, RoundFactory, UserFactory
from tests.forms import form_data
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff():
    return {
        "maker": UserFactory(role=roles.OFFICE, last_name="孙", first_name="制表"),
        "checker": UserFactory(role=roles.OFFICE, last_name="周", first_name="审核"),
    }


@pytest.fixture
def paid(staff):
    """A chief technician announced in March 2022: paid in the 2023 run."""
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW, round=RoundFactory(year=2021))
    perform(entry, "certify", staff["maker"], announcement_date=datetime.date(2022, 3, 10))
    return entry


def sheet_rows(content: bytes) -> tuple[list, list[list]]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row and "金额（元）" in row)
    return header, rows


def test_the_approved_sheet_carries_the_payee_and_the_signatures_as_at_approval(paid, staff, finance, client):
    person = paid.person
    client.force_login(staff["maker"])
    client.post(reverse("roster_allowance_compute"), {"year": 2023})
    client.force_login(staff["checker"])
    client.post(reverse("roster_allowance_approve", args=(2023,)))
    run = AllowanceRun.objects.get(year=2023)
    assert run.approved and (run.computed_by_name, run.approved_by_name) == ("孙制表", "周审核")

    # A later change of account does not rewrite what was approved (corrections go into later runs).
    paid_to = person.bank_account
    Person.objects.filter(pk=person.pk).update(bank_account="6228480000000000000")

    client.force_login(finance)
    page = client.get(reverse("roster_allowance_run", args=(2023,))).content.decode()
    assert "孙制表" in page and "周审核" in page
    assert paid_to not in page and paid_to[-4:] in page  # the screen shows the last four digits only
    response = client.get(reverse("roster_allowance_download", args=(2023,)))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 and sheet.page_setup.orientation == "landscape"
    header, rows = sheet_rows(response.content)
    line = next(row for row in rows if person.name in row)
    assert line[header.index("居民身份证号")] == person.id_number
    assert line[header.index("开户银行")] == person.bank_name
    assert line[header.index("银行账号")] == paid_to
    signatures = next(row for row in rows if row and str(row[0]).startswith("制表"))
    assert "制表：孙制表" in signatures and "审核：周审核" in signatures and "负责人：" in signatures


def test_a_draft_sheet_masks_the_payee(paid, staff, client):
    client.force_login(staff["maker"])
    client.post(reverse("roster_allowance_compute"), {"year": 2023})
    content = client.get(reverse("roster_allowance_download", args=(2023,))).content
    header, rows = sheet_rows(content)
    line = next(row for row in rows if paid.person.name in row)
    assert line[header.index("居民身份证号")] == paid.person.masked_id_number
    assert line[header.index("银行账号")] == paid.person.masked_bank_account
    assert paid.person.bank_account not in str(rows) and paid.person.id_number not in str(rows)


def test_approval_waits_until_every_payee_has_an_account(paid, staff, client):
    Person.objects.filter(pk=paid.person.pk).update(bank_name="", bank_account="")
    client.force_login(staff["maker"])
    client.post(reverse("roster_allowance_compute"), {"year": 2023})
    client.force_login(staff["checker"])
    page = client.get(reverse("roster_allowance_run", args=(2023,))).content.decode()
    assert "尚未登记开户银行和银行账号" in page
    assert reverse("wagtailsnippets_roster_person:edit", args=(paid.person.pk,)) in page
    response = client.post(reverse("roster_allowance_approve", args=(2023,)), follow=True)
    assert f"以下人员尚未登记开户银行和银行账号，不能批准发放：{paid.person.name}" in response.content.decode()
    assert AllowanceRun.objects.get(year=2023).state == AllowanceRun.State.DRAFT


def test_the_second_office_user_is_told_a_run_waits_for_approval(paid, staff, client):
    client.force_login(staff["maker"])
    client.post(reverse("roster_allowance_compute"), {"year": 2023})
    run_url = reverse("roster_allowance_run", args=(2023,))
    mine = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2023年度津贴已计算，待另一名工作人员审核批准" in mine and run_url in mine
    client.force_login(staff["checker"])
    theirs = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "2023年度津贴已由孙制表计算，待您审核批准" in theirs and run_url in theirs
    client.post(reverse("roster_allowance_approve", args=(2023,)))
    assert "2023年度津贴已由" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_only_the_office_enters_and_reads_the_bank_account(staff, client):
    person = EntryFactory(status=S.DRAFT).person
    recommender = UserFactory(role=roles.RECOMMENDER, unit=person.unit)
    account = person.bank_account
    edit = reverse("wagtailsnippets_roster_person:edit", args=(person.pk,))
    inspect = reverse("wagtailsnippets_roster_person:inspect", args=(person.pk,))

    client.force_login(staff["maker"])
    form = client.get(edit).content.decode()
    assert 'name="bank_account"' in form and account in form
    assert account in client.get(inspect).content.decode()
    assert account not in client.get(reverse("wagtailsnippets_roster_person:list")).content.decode()

    # The unit edits its draft candidate without seeing the payee data, and a crafted field changes nothing.
    client.force_login(recommender)
    data = form_data(client, edit)
    assert data and "bank_account" not in data
    assert account not in client.get(edit).content.decode()
    data.update(occupation=["钳工"], bank_account=["6228480000000000000"], bank_name=["别的银行"])
    assert client.post(edit, data).status_code == 302
    stored = Person.objects.get(pk=person.pk)
    assert (stored.occupation, stored.bank_account, stored.bank_name) == ("钳工", account, person.bank_name)
    page = client.get(inspect).content.decode()
    assert account not in page and account[-4:] in page


def test_a_bad_account_number_is_refused_in_chinese(staff):
    from django.core.exceptions import ValidationError

    person = EntryFactory().person
    person.bank_account = "6222 0216 05x1"
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "银行账号应为8至32位数字" in str(refused.value)
    person.bank_account = "6222 0216 0500 0000 123"
    person.full_clean()
    assert person.bank_account == "6222021605000000123"


def test_the_run_page_reads_its_lines_once(paid, staff, client):
    """The table and the list of payees without an account come from the same load of the lines."""
    client.force_login(staff["maker"])
    client.post(reverse("roster_allowance_compute"), {"year": 2023})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("roster_allowance_run", args=(2023,)))
    assert response.status_code == 200
    line_loads = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().startswith("SELECT")
        and 'FROM "roster_allowanceline"' in q["sql"]
        and "SUM(" not in q["sql"]
    ]
    assert len(line_loads) == 1, line_loads
