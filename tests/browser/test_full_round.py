"""The current round from call to certificate, then allowance, evaluation and revocation (issue 15), each
role through its own screens in Chromium: everyone opens the portal's login page, and from there only
follows links, menus and buttons. The clock moves between steps as days pass in a real round; every
step starts with a new sign-in, as the session would have ended."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from playwright.sync_api import expect

from roster.models import AllowanceRun, Entry
from tests.browser.conftest import login
from tests.browser.steps import menu, page_home, record_inspection, status_badge, take_move
from tests.factories import EntryFactory, PersonFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.states import Status

S = Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """The round of 2024 is open for applications (call 15 October, deadline 29 November)."""
    with time_machine.travel(at(2024, 10, 21), tick=True) as traveller:
        yield traveller


def open_from_queue(page, queue: str, name: str) -> None:
    """From the dashboard's 待我办理: the queue, then the entry by the person's name."""
    page.locator("section.roster-section").get_by_role("link", name=queue, exact=True).first.click()
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.locator("#summary-h")).to_contain_text(name)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_round_from_call_to_revocation_through_each_roles_screens(clock, demo_site, new_context, width):
    round_ = demo_site["publicity"].round
    # The 公示 of the round waits as a draft: the office publishes it when the list is ready.
    publicity = demo_site["publicity"]
    type(publicity).objects.filter(pk=publicity.pk).update(live=False, first_published_at=None, last_published_at=None)
    unit = UnitFactory(name="枣庄精工机械有限公司")
    people = {
        "recommender": UserFactory(role=roles.RECOMMENDER, unit=unit, last_name="钱", first_name="经办"),
        "office": UserFactory(role=roles.OFFICE, last_name="孙", first_name="办公"),
        "office2": UserFactory(role=roles.OFFICE, last_name="周", first_name="复核"),
        "expert": UserFactory(role=roles.EXPERT, last_name="吴", first_name="专家"),
        "leader": UserFactory(role=roles.LEADING_GROUP, last_name="郑", first_name="组长"),
        "finance": UserFactory(role=roles.FINANCE, last_name="王", first_name="财务"),
    }
    # The unit's complete application, entered through its forms (tests/browser/test_journeys.py walks those).
    entry = EntryFactory(round=round_, unit=unit, person=PersonFactory(unit=unit, name="李精工"))
    name = entry.person.name

    def sign_in(who):
        # Some minutes pass between two visits: an authenticator code is never accepted twice.
        clock.shift(datetime.timedelta(minutes=5))
        return login(new_context(viewport={"width": width, "height": 900}), people[who])

    # 1. The unit starts its 公示 (Art 9(2)).
    page = sign_in("recommender")
    open_from_queue(page, "草稿", name)
    take_move(page, "开始单位公示")
    expect(status_badge(page)).to_have_text("单位公示中")

    # 2. Five working days later the unit reports the candidate to the office.
    clock.move_to(at(2024, 11, 4))
    page = sign_in("recommender")
    open_from_queue(page, "单位公示中", name)
    take_move(page, "上报区选拔管理工作办公室")
    expect(status_badge(page)).to_have_text("已上报")

    # 3. After the deadline the office passes qualification for the list in one batch and assigns the expert.
    clock.move_to(at(2024, 12, 2))
    page = sign_in("office")
    page.get_by_role("link", name="批量资格审查通过").first.click()
    page.get_by_role("button", name="对所选申报办理“资格审查通过”").click()
    expect(page.locator("section[aria-labelledby=results-h]")).to_contain_text(name)
    assert Entry.objects.get(pk=entry.pk).status == S.QUALIFIED
    menu(page, "首席技师名册", "评选批次")
    page.get_by_role("link", name=str(round_), exact=True).first.click()
    page.get_by_label("吴专家（" + people["expert"].username + "）").check()
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_load_state()
    assert list(round_.experts.all()) == [people["expert"]]

    # 4. The expert scores with the application beside the sheet (Art 9(4)).
    page = sign_in("expert")
    open_from_queue(page, "待我评审", name)
    sheet = page.locator("form.roster-side-by-side__sheet")
    expect(page.locator(".roster-side-by-side")).to_contain_text(entry.specialty)
    sheet.get_by_label("评分（0–100）").fill("92")
    for label in ("职业道德与贡献", "技能水平", "创新成果", "传技带徒"):
        sheet.get_by_label(re.compile(label)).fill(f"{label}突出。")
    sheet.get_by_label("综合意见").fill("同意列为建议人选。")
    sheet.get_by_role("button", name="提交评审意见").click()
    page.wait_for_load_state()
    assert entry.expert_scores.get().score == 92

    # 5. The office shortlists, publishes the district 公示 from the round overview, and starts the window.
    page = sign_in("office")
    open_from_queue(page, "资格审查通过", name)
    take_move(page, "列为建议人选")
    page_home(page)
    page.get_by_role("link", name=str(round_), exact=True).first.click()
    page.get_by_role("link", name=f"编辑“{publicity.title}”").click()
    footer = page.get_by_role("navigation", name="操作（页脚）")
    footer.get_by_role("button", name="更多动作").click()
    footer.get_by_role("button", name="发布").click()
    page.wait_for_load_state()
    publicity.refresh_from_db()
    assert publicity.live and publicity.listings.filter(entry=entry).exists()
    open_from_queue(page_home(page), "建议人选", name)
    take_move(page, "开始区级公示", {"名单在申报单位公示（张贴）的日期": "2024-12-02"})
    expect(status_badge(page)).to_have_text("区级公示中")
    visitor = new_context().new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name=re.compile(re.escape(publicity.title))).first.click()
    expect(visitor.locator("table.data-table")).to_contain_text(name)

    # 6. The window has ended: inspection in one batch, its finding, then the leading group.
    clock.move_to(at(2024, 12, 23))
    page = sign_in("office")
    page.get_by_role("link", name="批量公示期满，组织实地考察").first.click()
    page.get_by_role("button", name="对所选申报办理“公示期满，组织实地考察”").click()
    page.locator("section[aria-labelledby=results-h]").get_by_role("link", name=name).click()
    expect(status_badge(page)).to_have_text("实地考察")
    record_inspection(page)
    take_move(page, "提交区人才工作领导小组研究")
    expect(status_badge(page)).to_have_text("领导小组研究")

    # 7. The leading group approves the list at its meeting, with the minute number (Art 9(6)).
    page = sign_in("leader")
    page.get_by_role("link", name="批量研究通过，报区政府同意").first.click()
    page.get_by_label("会议纪要号").fill("市中人才〔2024〕5号")
    page.get_by_role("button", name="对所选申报办理“研究通过，报区政府同意”").click()
    expect(page.locator("section[aria-labelledby=results-h]")).to_contain_text(name)
    assert Entry.objects.get(pk=entry.pk).minute_number == "市中人才〔2024〕5号"

    # 8. The district government agrees: the office announces the list and issues the certificate.
    clock.move_to(at(2025, 1, 10))
    page = sign_in("office")
    open_from_queue(page, "报区政府同意", name)
    take_move(page, "区政府同意，公布名单并颁发证书", {"区政府办公室发文公布名单的日期": "2025-01-10"})
    expect(status_badge(page)).to_have_text("管理期内")
    entry.refresh_from_db()
    assert entry.certificate_number and entry.term_start == datetime.date(2025, 1, 10)

    # 9. December 2026: the office computes the run, a second office user approves, finance downloads.
    clock.move_to(at(2026, 12, 7))
    page = sign_in("office")
    menu(page, "津贴发放")
    page.get_by_label("计算年度").fill("2026")
    page.get_by_role("button", name="计算（或重新计算）").click()
    expect(page.get_by_text("已计算2026年度津贴")).to_be_visible()
    page = sign_in("office2")
    page.get_by_role("link", name="2026年度津贴已由孙办公计算，待您审核批准").click()
    page.get_by_role("button", name="审核无误，批准发放").click()
    expect(page.get_by_text("2026年度津贴发放已批准")).to_be_visible()
    page = sign_in("finance")
    menu(page, "津贴发放")
    page.get_by_role("link", name="2026年度", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载发放表")).click()
    rows = [
        ["" if cell is None else str(cell) for cell in row]
        for row in load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(
            values_only=True
        )
    ]
    header = next(row for row in rows if "月数" in row)
    lines = [dict(zip(header, row, strict=False)) for row in rows if name in row]
    assert {line["银行账号"] for line in lines} == {entry.person.bank_account}
    assert {line["居民身份证号"] for line in lines} == {entry.person.id_number}
    # The months of 2025 after the January announcement are paid the year after, with those of 2026.
    assert {(line["所属年度"], line["月数"]) for line in lines} == {("2025", "11"), ("2026", "12")}
    assert any("制表：孙办公" in row and "审核：周复核" in row for row in rows)
    assert AllowanceRun.objects.get(year=2026).approved

    # 10. The office records the tracking evaluation of 2025 (Art 14(1)) from the entry list.
    page = sign_in("office")
    menu(page, "首席技师名册", "申报记录")
    page.get_by_role("link", name=name, exact=True).first.click()
    evaluation = page.locator("section[aria-labelledby=eval-h]")
    evaluation.get_by_label("评估年度").fill("2025")
    evaluation.get_by_label("评估结果").select_option("pass")
    evaluation.get_by_label("评估意见").fill("履职良好，带徒成效明显。")
    evaluation.get_by_role("button", name="记录评估").click()
    page.wait_for_load_state()
    expect(page.locator("section[aria-labelledby=eval-h]")).to_contain_text("履职良好")

    # 11. Fraud comes to light: the unit proposes revocation, another person in the office approves (Art 15).
    page = sign_in("recommender")
    menu(page, "首席技师名册", "申报记录")
    page.get_by_role("link", name=name, exact=True).first.click()
    take_move(
        page,
        "提出取消资格",
        {"第十五条情形": "3", "事实发生日期": "2026-11-20", "书面说明（必填）": "经核查，所报发明专利系他人成果。"},
        confirm=True,
    )
    expect(status_badge(page)).to_have_text("取消资格待批准")
    page = sign_in("office2")
    open_from_queue(page, "取消资格待批准", name)
    take_move(page, "批准取消资格", {"书面说明（必填）": "经研究，批准取消其市中首席技师称号。"}, confirm=True)
    expect(status_badge(page)).to_have_text("已取消资格")
    visitor.goto("/")
    visitor.get_by_role("link", name="证书查验").first.click()
    visitor.get_by_label("证书编号").fill(entry.certificate_number)
    visitor.get_by_role("button", name="查验").click()
    expect(visitor.get_by_role("status")).to_contain_text("已取消")
