"""The back office in Chromium (issue 15): each role reaches its records from the dashboard and the lists,
never by typing an address; a move that ends a case is confirmed in a dialog naming its consequence."""

import pytest
from playwright.sync_api import expect

from roster.inbox import NotificationPreference
from roster.models import Entry, StaffProfile
from roster.services import perform
from tests.browser.conftest import login
from tests.browser.steps import menu, status_badge
from tests.factories import EntryFactory, UserFactory
from workflow import roles
from workflow.states import Status
from workflow.transitions import TRANSITIONS

S = Status
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_office_goes_from_its_queue_to_the_entry_and_confirms_a_move_that_ends_the_case(portal, new_context, width):
    entry = EntryFactory(round=portal["round"], status=S.SUBMITTED)
    office = UserFactory(role=roles.OFFICE)
    page = login(new_context(viewport={"width": width, "height": 900}), office)

    # Dashboard → the queue of entries waiting in 已上报 → the entry, by its name.
    page.get_by_role("link", name="已上报").first.click()
    page.get_by_role("link", name=entry.person.name, exact=True).click()
    expect(status_badge(page)).to_have_text("已上报")

    # The reviewer's material comes first, the positive step before the ones that end the case.
    buttons = page.locator("section[aria-labelledby=moves-h] form button[type=submit]").all_inner_texts()
    assert buttons.index("资格审查通过") < buttons.index("材料弄虚作假，取消申报资格")

    move = page.locator(".roster-move--danger").filter(has_text="材料弄虚作假，取消申报资格")
    move.get_by_label("书面说明（必填）").fill("职业资格证书系伪造，经发证机关核实。")
    move.get_by_role("button", name="材料弄虚作假，取消申报资格").click()
    dialog = page.locator("dialog#roster-confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(TRANSITIONS["disqualify_for_fraud"].consequence)
    dialog.get_by_role("button", name="返回，不办理").click()
    expect(dialog).to_be_hidden()
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED

    move.get_by_role("button", name="材料弄虚作假，取消申报资格").click()
    dialog.get_by_role("button", name="确认材料弄虚作假，取消申报资格").click()
    page.wait_for_load_state()
    expect(status_badge(page)).to_have_text("取消申报资格")
    expect(page.get_by_text("的申报已办理“材料弄虚作假，取消申报资格”")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == S.DISQUALIFIED


def test_an_expert_reads_the_application_from_its_list(portal, new_context):
    entry = EntryFactory(round=portal["round"], status=S.QUALIFIED)
    expert = UserFactory(role=roles.EXPERT)
    portal["round"].experts.add(expert)
    page = login(new_context(), expert)
    page.get_by_role("link", name="待我评审").click()
    page.get_by_role("link", name=entry.person.name, exact=True).click()
    page.get_by_role("link", name="阅读申报表").click()
    expect(page.get_by_role("heading", name=f"市中首席技师申报表（{entry.round.year}年度）")).to_be_visible()
    expect(page.locator(".roster-application")).to_contain_text(entry.specialty)
    expect(page.locator(".roster-application")).not_to_contain_text(entry.person.id_number)


def test_publicity_and_results_lists_read_as_cards_on_a_phone(portal, new_context):
    """At 390 px each person is a card: a cell spans the card (no one-character columns) and carries
    its label; a certificate number never breaks at its hyphen."""
    from home.demo import today_midnight
    from home.listings import republish_list

    republish_list(portal["results"], today_midnight())  # lists the certified chief technician
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    for path in ("/notices/publicity-2024/", "/notices/results-2024/"):
        page.goto(path)
        cell = page.locator("table.data-table--cards tbody td[data-label='工作单位']").first
        expect(cell).to_be_visible()
        assert cell.bounding_box()["width"] > 250, path
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert "工作单位" in label, path
    number = page.locator("td[data-label='证书编号']").first
    box = number.bounding_box()
    assert box["height"] < 40, "the certificate number wrapped"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_office_reads_a_message_in_its_inbox_and_chooses_the_digest(portal, new_context, width):
    """Issue 13: the menu counts the unread messages; a message leads to its record and is then read;
    each kind of message can come in the daily digest instead."""
    recommender = UserFactory(role=roles.RECOMMENDER)
    entry = EntryFactory(round=portal["round"], status=S.UNIT_PUBLICITY)
    StaffProfile.objects.update_or_create(user=recommender, defaults={"unit": entry.unit})
    office = UserFactory(role=roles.OFFICE)
    perform(Entry.objects.get(pk=entry.pk), "submit", recommender)
    page = login(new_context(viewport={"width": width, "height": 900}), office)

    menu(page, "消息（1条未读）")
    page.get_by_role("link", name=f"未读 {entry.person.name}的申报：上报区选拔管理工作办公室").click()
    expect(status_badge(page)).to_have_text("已上报")
    menu(page, "消息")
    expect(page.get_by_text("没有未读消息。")).to_be_visible()

    page.get_by_role("link", name="消息提醒设置").click()
    page.get_by_label("新的申报上报").select_option("digest")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("消息提醒设置已保存。")).to_be_visible()
    assert NotificationPreference.objects.get(user=office, event="submitted").delivery == "digest"
