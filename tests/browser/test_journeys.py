"""End-to-end journeys in Chromium (issue 7): a citizen, a unit recommender and the office staff.

Each test builds its data with the factories, then acts only through the browser, the way a person
would: links, anchors, form fields found by their labels, buttons found by their Chinese labels.
"""

import datetime
import io
import re

import pytest
from django.utils.timezone import localdate as today
from openpyxl import load_workbook
from playwright.sync_api import expect

from home.models import CallNoticePage
from roster.models import Entry, ExpertScore, Objection, Person
from tests.browser.conftest import login
from tests.browser.steps import record_inspection, status_badge, take_move
from tests.factories import PDF_BYTES, EntryFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def inspect_path(entry) -> str:
    return f"/admin/snippets/roster/entry/inspect/{entry.pk}/"


def test_citizen_reads_the_policy_objects_in_the_live_publicity_and_reads_the_reply(portal, page, new_context):
    candidate = portal["candidate"]
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=re.compile("市中首席技师选拔管理办法")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("首席技师")
    # The table of contents leads to each article's anchor: follow 第十五条.
    page.get_by_role("navigation", name="目录").get_by_role("link", name="第十五条").click()
    expect(page).to_have_url(re.compile("#art-15$"))
    article = page.locator("#art-15")
    expect(article).to_contain_text("第十五条")
    expect(article).to_be_in_viewport()

    # The live district 公示 from the home page's current windows.
    page.goto("/")
    page.get_by_role("link", name=re.compile("拟选拔人选的公示")).first.click()
    expect(page).to_have_url(re.compile("/notices/publicity-2024/"))
    table = page.locator("table.data-table")
    expect(table).to_contain_text(candidate.person.name)
    expect(table).to_contain_text(candidate.unit.name)
    expect(page.locator("body")).not_to_contain_text(candidate.person.id_number)

    page.get_by_role("link", name="网上提交异议").click()
    expect(page).to_have_url(re.compile("/notices/publicity-2024/objection/$"))
    form = page.locator("form.objection-form")
    form.get_by_label("真实姓名").fill("王某某")
    form.get_by_label("联系方式（电话或邮箱）").fill("0632-1234567")
    form.get_by_label("所涉公示人选").select_option(str(candidate.pk))
    form.get_by_label("反映的具体事实").fill("该人选所报获奖情况与事实不符，请予核实。")
    form.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()
    objection = Objection.objects.get(entry=candidate)
    expect(page.get_by_role("status")).to_contain_text("受理编号")
    expect(page.get_by_role("status")).to_contain_text(objection.reference)
    code = page.get_by_role("status").locator("strong").nth(1).inner_text()
    # A reload files nothing twice (the form redirected after the post).
    page.reload()
    assert Objection.objects.filter(entry=candidate).count() == 1

    def look_up():
        page.get_by_role("status").get_by_role("link", name="异议处理查询").or_(
            page.get_by_role("contentinfo").get_by_role("link", name="异议处理查询")
        ).first.click()
        page.get_by_label("受理编号").fill(objection.reference)
        page.get_by_label("查询码").fill(code)
        page.get_by_role("button", name="查询").click()
        return page.locator("table.meta-table")

    expect(look_up()).to_contain_text("正在调查核实")

    # The office reads who objected, records the investigation and replies.
    office = login(new_context(), UserFactory(role=roles.OFFICE))
    office.get_by_role("link", name=objection.reference).click()
    expect(office.locator("section[aria-labelledby=objection-h]")).to_contain_text("王某某")
    expect(office.locator("section[aria-labelledby=objection-h]")).to_contain_text("0632-1234567")
    office.get_by_label("调查核实情况").fill("经向发证机关核实，获奖证书真实有效。")
    office.get_by_role("button", name="保存调查核实情况").click()
    office.wait_for_load_state()
    decision = office.locator("section[aria-labelledby=decision-h]")
    decision.get_by_label("结论：", exact=True).select_option("dismissed")
    decision.get_by_label("核实结论（内部）").fill("获奖情况属实，异议不成立。")
    decision.get_by_label("处理结果（答复反映人）").fill("经核实，该人选所报获奖情况属实，异议不成立。感谢您的监督。")
    decision.get_by_role("button", name="办结").click()
    office.wait_for_load_state()
    expect(office.get_by_text("已办结")).to_be_visible()

    # The objector reads the reply with the reference and the code.
    result = look_up()
    expect(result).to_contain_text("已办结")
    expect(result).to_contain_text("异议不成立。感谢您的监督")


def test_certificate_is_verified_on_the_public_page(portal, page):
    chief = portal["chief"]
    page.goto("/chief-technicians/verify/")
    page.get_by_role("main").get_by_role("textbox").first.fill(chief.certificate_number)
    page.get_by_role("main").get_by_role("button").first.click()
    page.wait_for_load_state()
    main = page.get_by_role("main")
    expect(main).to_contain_text(chief.person.name)
    expect(main).to_contain_text("管理期内")
    expect(main).not_to_contain_text(chief.person.id_number)
    page.goto("/chief-technicians/verify/?number=SZSX-2099-999")
    expect(page.get_by_role("main")).not_to_contain_text(chief.person.name)


def test_recommender_enters_a_candidate_and_starts_unit_publicity(portal, new_context, tmp_path):
    unit = UnitFactory()
    recommender = UserFactory(role=roles.RECOMMENDER, unit=unit)
    page = login(new_context(), recommender)

    # A new person, through the snippet form.
    page.goto("/admin/snippets/roster/person/add/")
    newcomer = PersonFactory.build(unit=unit)
    page.locator("#id_name").fill(newcomer.name)
    page.locator("#id_id_number").fill(newcomer.id_number)
    page.locator("#id_phone").fill(newcomer.phone)
    page.locator("#id_unit").select_option(str(unit.pk))
    page.locator("#id_occupation").fill("数控车工")
    page.locator("#id_employer").fill(unit.name)
    page.locator("#id_qualification_level").select_option("4")
    page.locator("#id_qualification_certificate").fill("ZG20150601")
    page.locator("#id_qualification_date").fill("2015-06-01")
    page.locator("#id_qualification_date").press("Escape")
    page.locator("#id_is_frontline").check()
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("已创建")
    person = Person.objects.get(id_number=newcomer.id_number)

    # Its entry with an evidence file, through the entry form (inline panels included).
    evidence = tmp_path / "zhengshu.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.goto("/admin/snippets/roster/entry/add/")
    # Round, person and unit are Wagtail chooser widgets (a modal over a hidden input): the test sets
    # the hidden inputs directly rather than driving the modals.
    open_round = RoundFactory(
        year=today().year,
        call_date=today() - datetime.timedelta(days=10),
        application_deadline=today() + datetime.timedelta(days=20),
    )
    call = CallNoticePage(title=f"关于开展{open_round.year}年度选拔工作的通知", slug="call-open", round=open_round)
    portal["index"].add_child(instance=call)
    call.save_revision().publish()
    for field, pk in (("round", open_round.pk), ("person", person.pk), ("unit", unit.pk)):
        page.locator(f"#id_{field}").evaluate("(input, pk) => { input.value = pk; }", str(pk))
    page.locator("#id_post").fill("数控加工车间主操作手")
    page.locator("#id_years_in_occupation").fill("15")
    page.locator("#id_specialty").fill("精密零件数控加工")
    page.locator("#id_achievements").fill("主持多项工艺改进，带徒8人。")
    page.locator("#id_unit_opinion").fill("经本单位评议，同意推荐。")
    page.locator("#id_deeds").fill("该同志长期扎根生产一线，刻苦钻研技术。" * 20)
    page.locator("#id_deeds_summary").fill("扎根一线，攻克多项精密加工难题。")
    page.locator("#id_evidence_files-ADD").click()
    page.locator("#id_evidence_files-0-title").fill("职业资格证书")
    page.locator("#id_evidence_files-0-file").set_input_files(str(evidence))
    page.locator("#id_consent_to_publication").check()
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_load_state()
    entry = Entry.objects.get(person=person)
    assert entry.status == S.DRAFT
    assert entry.evidence_files.get().file.read().startswith(b"%PDF")

    # A complete draft of the unit: the checklist, then 开始单位公示.
    draft = EntryFactory(round=portal["round"], person=PersonFactory(unit=unit))
    page.goto(inspect_path(draft))
    checklist = page.locator("section[aria-labelledby=check-h]")
    expect(checklist).to_contain_text("资格条件核对")
    expect(checklist.locator("tbody tr").first).to_be_visible()
    expect(page.locator("section[aria-labelledby=evidence-h]")).to_contain_text("职业资格证书")
    expect(status_badge(page)).to_have_text("草稿")
    take_move(page, "开始单位公示")
    expect(status_badge(page)).to_have_text("单位公示中")
    draft.refresh_from_db()
    assert draft.status == S.UNIT_PUBLICITY
    assert draft.unit_publicity_start == today() + datetime.timedelta(days=1)


def test_office_takes_entries_from_review_to_certificate(portal, new_context):
    round_ = portal["round"]
    office = UserFactory(role=roles.OFFICE)
    leader = UserFactory(role=roles.LEADING_GROUP)
    page = login(new_context(), office)

    # Qualification review, then a blocked shortlist explained, then shortlist and district 公示.
    entry = EntryFactory(round=round_, status=S.SUBMITTED)
    page.goto(inspect_path(entry))
    take_move(page, "资格审查通过")
    expect(status_badge(page)).to_have_text("资格审查通过")
    blocked = page.locator("ul.roster-blocked")
    expect(blocked).to_contain_text("列为建议人选")
    expect(blocked).to_contain_text("尚无专家评审记录")
    expert = UserFactory(role=roles.EXPERT)
    round_.experts.add(expert)
    ExpertScore.objects.create(
        entry=entry,
        expert=expert,
        score=90,
        finding_ethics="职业道德良好",
        finding_skill="技能水平领先",
        finding_innovation="有革新成果",
        finding_mentoring="带徒成效突出",
        opinion="同意列为建议人选",
    )
    page.reload()
    take_move(page, "列为建议人选")
    expect(status_badge(page)).to_have_text("建议人选")
    # Shortlisted after the round's 公示 went out: a 补充公示 lists it (SPEC §3).
    from home.demo import today_midnight
    from home.listings import publish_as_of
    from home.models import PublicityNoticePage

    supplement = publish_as_of(
        portal["publicity"].get_parent(),
        PublicityNoticePage(title="补充公示（测试）", slug="supplement", round=round_, level="district"),
        today_midnight(),
        [entry],
    )
    page.reload()
    take_move(page, "开始区级公示", {"名单在申报单位公示（张贴）的日期": today().isoformat()})
    expect(status_badge(page)).to_have_text("区级公示中")
    expect(page.locator("ul.roster-blocked")).to_contain_text("尚未结束")  # start_inspection waits for the window
    public = new_context().new_page()
    public.goto(supplement.url)
    expect(public.locator("table.data-table")).to_contain_text(entry.person.name)

    # Later states, built with their records (the district window of this entry has ended).
    later = EntryFactory(
        round=round_,
        status=S.DISTRICT_PUBLICITY,
        district_publicity_start=round_.application_deadline + datetime.timedelta(days=7),
    )
    page.goto(inspect_path(later))
    take_move(page, "公示期满，组织实地考察")
    expect(status_badge(page)).to_have_text("实地考察")
    record_inspection(page)
    expect(page.locator("section[aria-labelledby=summary-h]")).to_contain_text("无异议")
    take_move(page, "提交区人才工作领导小组研究")
    expect(status_badge(page)).to_have_text("领导小组研究")

    leader_page = login(new_context(), leader)
    leader_page.goto(inspect_path(later))
    take_move(leader_page, "研究通过，报区政府同意")
    expect(status_badge(leader_page)).to_have_text("报区政府同意")

    page.reload()
    take_move(page, "区政府同意，公布名单并颁发证书", {"区政府办公室发文公布名单的日期": today().isoformat()})
    expect(status_badge(page)).to_have_text("管理期内")
    later.refresh_from_db()
    assert later.status == S.ACTIVE and later.certificate_number == "SZSX-2024-002"
    expect(page.locator("section[aria-labelledby=summary-h]")).to_contain_text("SZSX-2024-002")

    # The roster .xlsx from the admin menu.
    with page.expect_download() as download_info:
        page.evaluate(
            "() => { const a = document.createElement('a'); a.href = '/admin/roster/export/talent-pool.xlsx';"
            " document.body.appendChild(a); a.click(); }"
        )
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    cells = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert later.person.name in cells and portal["chief"].person.name in cells


PUBLIC_PAGES = [
    "/",
    "/policy-2020-33/",
    "/notices/",
    "/notices/call-2024/",
    "/notices/publicity-2024/",
    "/notices/results-2024/",
    "/chief-technicians/",
    "/chief-technicians/verify/?number=SZSX-2024-001",
    "/search/?q=津贴",
    "/site-map/",
]


def test_public_pages_fit_a_phone(portal, new_context):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    too_wide = {}
    for path in [*PUBLIC_PAGES, f"/chief-technicians/{portal['chief'].pk}/"]:
        page.goto(path)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            too_wide[path] = widths
    assert not too_wide, f"horizontal scrolling at 390 px (scrollWidth, clientWidth): {too_wide}"


def test_entry_form_scripts_run_under_the_csp(db, new_context):
    """The entry form's inline panels (称号, 竞赛, 成果, 徒弟, 文件) need Wagtail's scripts to add a row."""
    recommender = UserFactory(role=roles.RECOMMENDER, unit=UnitFactory())
    page = login(new_context(), recommender)
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/admin/snippets/roster/entry/add/")
    page.locator("#id_evidence_files-ADD").click()
    expect(page.locator("#id_evidence_files-0-title")).to_be_attached(timeout=2000)
    assert not [m for m in blocked if "inline script" in m]


def test_a_new_staff_member_sets_up_the_second_factor_then_signs_in_with_it(portal, new_context):
    """等保 2.0: the first sign-in of a staff account sets up an authenticator app (the test reads the key
    shown on the page, as a phone would scan it), shows ten recovery codes once, and every later
    sign-in asks for a code."""
    from django_otp.oath import TOTP

    from roster.audit import SecurityEvent

    editor = UserFactory(role=roles.EDITOR, first_name="编", last_name="李")
    page = new_context().new_page()
    page.goto("/admin/login/")
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", "pw-test-123")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="启用双因素认证")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("p:has-text('手动输入的密钥') code").inner_text()

    def code() -> str:
        import base64

        return f"{TOTP(base64.b32decode(secret + '=' * (-len(secret) % 8))).token():06d}"

    page.get_by_label("动态验证码或恢复码").fill(code())
    page.get_by_role("button", name="启用并登录").click()
    expect(page.get_by_role("heading", name="双因素认证已启用")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # Signing out and in again: the password, then a code.
    other = new_context().new_page()
    other.goto("/admin/login/")
    other.fill("input[name=username]", editor.username)
    other.fill("input[name=password]", "pw-test-123")
    other.click("button[type=submit]")
    expect(other.get_by_role("heading", name="双因素认证")).to_be_visible()
    other.goto("/admin/pages/")
    expect(other).to_have_url(re.compile(r"/admin/2fa/verify/"))
    other.get_by_label("动态验证码或恢复码").fill(codes[0])
    other.get_by_role("button", name="验证并登录").click()
    expect(other.get_by_text("已使用一个恢复码，还剩 9 个")).to_be_visible()
    assert SecurityEvent.objects.filter(username=editor.username, kind="login").count() == 2
