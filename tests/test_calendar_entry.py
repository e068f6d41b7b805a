"""Entering a year's working-day calendar from the State Council's notice (SPEC §3), and demo calendars.

NOTICE_2023 … NOTICE_2026 are the wording of the real notices (国务院办公厅关于YYYY年部分节假日安排的通知);
chinesecalendar carries those years, so the parsed schedule is checked against it day by day.
NOTICE_2027 is made up for the admin tests (chinesecalendar does not know 2027); it is not the real one.
"""

import datetime
import io

import chinese_calendar
import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import UserFactory
from workflow import roles, workdays
from workflow.holiday_notice import NoticeUnreadable, parse
from workflow.models import OfficialCalendarDay, OfficialCalendarYear

D = datetime.date

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
　　三、清明节：4月4日（周六）至6日（周一）放假，共3天。
　　四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。
　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
　　鼓励单位和个人结合落实带薪年休假等制度，实际形成较长假期，推动错峰出行。节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2025年11月4日
"""

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经党中央、国务院批准，根据2024年11月修订的《全国年节及纪念日放假办法》，自2025年1月1日起，全体公民放假的假日增加2天，其中春节、劳动节各增加1天。据此对放假调休原则作进一步优化完善，除个别特殊情形外，春节自农历除夕起放假调休8天，国庆节自10月1日起放假调休7天，劳动节放假调休5天，元旦、清明节、端午节、中秋节分别放假调休或连休3天（如逢周三则只在当日放假），国庆节放假如逢中秋节则合并放假8天。
　　按照上述原则，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
"""

# The older wording: 星期 instead of 周, “与周末连休”, and an aside naming a date that is not a holiday.
NOTICE_2024 = """国务院办公厅关于2024年部分节假日安排的通知
经国务院批准，现将2024年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
"""

# A New Year holiday that starts in the year before.
NOTICE_2023 = """国务院办公厅关于2023年部分节假日安排的通知
一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
三、清明节：4月5日放假，共1天。
四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
"""

# Made up for the tests (the real 2027 schedule is not known to chinesecalendar).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。
五、端午节：6月9日（周三）放假1天，不调休。
六、中秋节：9月15日（周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def every_day(year):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


# --- the parser ---


@pytest.mark.parametrize(
    "year, text", [(2023, NOTICE_2023), (2024, NOTICE_2024), (2025, NOTICE_2025), (2026, NOTICE_2026)]
)
def test_real_notice_agrees_with_chinesecalendar_on_every_day_of_the_year(year, text):
    schedule = parse(text)
    assert schedule.year == year
    wrong = [day for day in every_day(year) if schedule.is_workday(day) != chinese_calendar.is_workday(day)]
    assert wrong == []


def test_2026_notice_in_detail():
    schedule = parse(NOTICE_2026)
    assert schedule.warnings == []
    assert schedule.source == "国务院办公厅关于2026年部分节假日安排的通知"
    assert len(schedule.holidays) == 33 and len(schedule.workdays) == 6
    assert [d.date for d in schedule.workdays] == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    spring = [d for d in schedule.holidays if d.note == "春节"]
    assert [d.date for d in spring] == [D(2026, 2, day) for day in range(15, 24)]  # every day of the range
    assert {d.note for d in schedule.workdays if d.date.month == 10} == {"国庆节"}
    # The signing date (2025年11月4日) and the closing paragraph are not part of the schedule.
    assert all(d.date.year == 2026 for d in schedule.days)


def test_2025_notice_reads_its_number_a_range_across_months_and_a_single_day():
    schedule = parse(NOTICE_2025)
    assert schedule.warnings == []
    assert schedule.document_number == "国办发明电〔2024〕12号"
    assert schedule.source == "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）"
    dragon_boat = [d.date for d in schedule.holidays if d.note == "端午节"]
    assert dragon_boat == [D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2)]
    assert [d.date for d in schedule.holidays if d.note == "元旦"] == [D(2025, 1, 1)]
    assert {d.note for d in schedule.holidays if d.date.month == 10} == {"国庆节、中秋节"}


def test_2024_aside_about_new_years_eve_is_not_a_holiday():
    schedule = parse(NOTICE_2024)
    assert schedule.is_workday(D(2024, 2, 9))
    assert schedule.warnings == []


def test_a_holiday_in_the_year_before_is_left_to_that_year_and_said():
    schedule = parse(NOTICE_2023)
    assert D(2022, 12, 31) not in [d.date for d in schedule.days]
    assert any("2022年12月31日不属于2023年" in w and "不影响计算" in w for w in schedule.warnings)
    assert not any("共3天" in w for w in schedule.warnings)  # the count includes 31 December


def test_text_pasted_as_one_line_with_ascii_punctuation_reads_the_same():
    one_line = NOTICE_2026.replace("\n", "").replace("：", ":").replace("（", "(").replace("）", ")")
    one_line = one_line.replace("，", ",")
    assert parse(one_line).days == parse(NOTICE_2026).days


def test_a_wrapped_item_and_a_workday_sentence_on_its_own_line_are_joined():
    wrapped = NOTICE_2026.replace("至23日（农历正月初七、", "至23日（农历正月初七、\n").replace(
        "共7天。9月20日", "共7天。\n9月20日"
    )
    assert parse(wrapped).days == parse(NOTICE_2026).days


def test_the_example_wording_with_a_year_typed_and_warnings_to_check():
    text = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月廿八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
五、端午节：6月19日放假，与周末连休。
六、中秋节、国庆节：10月1日至7日放假调休，共6天。9月20日（周日）、10月12日（周一）上班。"""
    schedule = parse(text, 2026)
    assert schedule.year == 2026 and schedule.source == "国务院办公厅关于2026年部分节假日安排的通知"
    assert [d.date for d in schedule.holidays if d.note == "端午节"] == [D(2026, 6, 19)]
    assert D(2026, 10, 12) in [d.date for d in schedule.workdays]
    warnings = "\n".join(schedule.warnings)
    assert "第5行（中秋节、国庆节）：通知写“共6天”，列出的放假日期却是7天" in warnings
    assert "上班日10月12日是周一" in warnings
    assert "没有劳动节的安排" in warnings


def test_the_year_comes_from_the_title_and_must_agree_with_the_typed_year():
    assert parse(NOTICE_2026, 2026).year == 2026
    with pytest.raises(NoticeUnreadable, match="填写的年份（2027年）与通知标题中的年份（2026年）不一致"):
        parse(NOTICE_2026, 2027)
    without_title = NOTICE_2027.split("\n", 1)[1]
    with pytest.raises(NoticeUnreadable, match="请填写年份"):
        parse(without_title)
    assert parse(without_title, 2027).year == 2027


def test_a_weekday_that_disagrees_with_the_date_is_refused_naming_the_line():
    # The 2026 items typed in as 2027: 1 January 2027 is a Friday, not a Thursday.
    items = NOTICE_2026.split("\n", 1)[1].replace("现将2026年", "现将")
    with pytest.raises(NoticeUnreadable) as exc:
        parse(items, 2027)
    assert (
        "第3行" in exc.value.problems[0] and "1月1日是周四" in exc.value.problems[0] and "周五" in exc.value.problems[0]
    )


@pytest.mark.parametrize(
    "line, reason",
    [
        ("三、清明节：4月4日至放假，共3天。", "无法识别"),
        ("三、清明节：4月31日放假，共1天。", "“4月31日”不是有效的日期"),
        ("三、清明节：4日至6日放假，共3天。", "缺少月份"),
        ("三、清明节：4月6日至4日放假，共3天。", "不在开始日之后"),
        ("三、清明节：清明前后放假，共3天。", "无法识别"),
        ("三、清明节：4月4日（周六至6日放假，共3天。", "括号不配对"),
        ("三、清明节：4月4日至6日，共3天。", "既不是放假日期，也不是上班日期"),
        ("三、清明节 4月4日至6日放假，共3天。", "节日名称后加冒号"),
        ("三、清明节：共3天。", "未找到放假日期"),
    ],
)
def test_an_unreadable_item_is_refused_naming_its_line(line, reason):
    text = NOTICE_2027.replace("三、清明节：4月3日（周六）至5日（周一）放假，共3天。", line)
    with pytest.raises(NoticeUnreadable) as exc:
        parse(text)
    assert any(p.startswith("第4行") and reason in p for p in exc.value.problems), exc.value.problems


def test_a_day_both_off_and_at_work_is_refused():
    text = NOTICE_2027.replace("9月26日（周日）、10月9日（周六）上班", "9月26日（周日）、10月7日（周四）上班")
    with pytest.raises(NoticeUnreadable, match="10月7日.*又被列为上班日"):
        parse(text)


def test_text_without_items_is_refused():
    with pytest.raises(NoticeUnreadable, match="未找到节假日安排条目"):
        parse("国务院办公厅关于2027年部分节假日安排的通知\n经国务院批准，现将……通知如下。")


# --- the admin: paste → preview → confirm (not enabled) → enable ---

ENTER = "wagtailsnippets_workflow_officialcalendaryear:enter"
LIST = "wagtailsnippets_workflow_officialcalendaryear:list"


def edit_form_data(response, **changes):
    """The POST data of a Wagtail edit form as rendered (with its inline formsets), plus `changes`."""

    def put(data, bound):
        value = bound.value()
        if value is None or value is False:
            return
        data[bound.html_name] = "on" if value is True else (value.isoformat() if hasattr(value, "isoformat") else value)

    form = response.context["form"]
    data = {}
    for bound in form:
        put(data, bound)
    for formset in form.formsets.values():
        for bound in formset.management_form:
            put(data, bound)
        for subform in formset.forms:
            for bound in subform:
                put(data, bound)
    data.update(changes)
    return data


def test_office_enters_a_year_from_the_notice_and_enables_it(client, office):
    client.force_login(office)
    listing = client.get(reverse(LIST)).content.decode()
    assert "按国务院通知录入" in listing and reverse(ENTER) in listing
    assert (
        "按国务院通知录入" in client.get(reverse("wagtailsnippets_workflow_officialcalendaryear:add")).content.decode()
    )
    assert client.get(reverse(ENTER)).status_code == 200

    preview = client.post(reverse(ENTER), {"text": NOTICE_2027, "action": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "核对录入内容：2027年" in html
    assert "10月1日（周五）" in html and "10月9日（周六）" in html and "2月20日（周六）" in html
    assert "放假 <strong>28</strong> 天" in html and "<strong>4</strong> 天；按此安排全年工作日" in html
    assert "确认录入（暂不启用）" in html
    assert not OfficialCalendarYear.objects.exists()

    confirm = client.post(reverse(ENTER), {"text": NOTICE_2027, "year": "2027", "action": "confirm"})
    year = OfficialCalendarYear.objects.get(year=2027)
    edit_url = reverse("wagtailsnippets_workflow_officialcalendaryear:edit", args=(year.pk,))
    assert confirm.status_code == 302 and confirm["Location"] == edit_url
    assert not year.published and not year.is_demo
    assert year.source == "国务院办公厅关于2027年部分节假日安排的通知"
    assert year.days.filter(kind=OfficialCalendarDay.Kind.HOLIDAY).count() == 28
    assert set(year.days.filter(kind=OfficialCalendarDay.Kind.WORKDAY).values_list("date", flat=True)) == {
        D(2027, 2, 20),
        D(2027, 4, 25),
        D(2027, 9, 26),
        D(2027, 10, 9),
    }
    assert year.days.get(date=D(2027, 10, 3)).note == "国庆节"
    assert not workdays.year_known(2027)

    edit = client.get(edit_url)
    assert "2027年日历尚未启用" in edit.content.decode()
    saved = client.post(edit_url, edit_form_data(edit, published="on"))
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    year.refresh_from_db()
    assert year.published and year.days.count() == 32
    assert workdays.year_known(2027)
    # Wed 29, Thu 30 Sep; 1–7 Oct off; Fri 8, Sat 9 (adjusted), Mon 11 Oct.
    assert workdays.window_end(D(2027, 9, 29), 5) == D(2027, 10, 11)
    # Thu 31 Dec 2026 (package); 1–3 Jan 2027 off; Mon 4 Jan 2027.
    assert workdays.window_end(D(2026, 12, 31), 2) == D(2027, 1, 4)
    assert workdays.window_status(D(2027, 9, 29), 5, D(2027, 10, 4))["demo_calendar"] is False


def test_bad_text_is_refused_naming_the_line_and_nothing_is_saved(client, office):
    client.force_login(office)
    bad = NOTICE_2027.replace("至7日（周四）放假调休", "至7号放假调休")
    for action in ("preview", "confirm"):
        response = client.post(reverse(ENTER), {"text": bad, "year": "2027", "action": action})
        html = response.content.decode()
        assert response.status_code == 200
        assert "第8行" in html and "七、国庆节：10月1日（周五）至7号" in html and "未保存任何内容" in html
    assert not OfficialCalendarYear.objects.exists() and not OfficialCalendarDay.objects.exists()


def test_empty_form_and_a_year_the_package_knows_are_refused(client, office):
    client.force_login(office)
    assert "请粘贴通知全文或上传通知文件" in client.post(reverse(ENTER), {"action": "preview"}).content.decode()
    html = client.post(reverse(ENTER), {"text": NOTICE_2026, "action": "confirm"}).content.decode()
    assert "2026年的官方安排系统已经内置" in html
    assert not OfficialCalendarYear.objects.exists()


def test_an_enabled_year_is_not_overwritten_but_a_disabled_one_is_replaced(client, office):
    client.force_login(office)
    year = OfficialCalendarYear.objects.create(year=2027, source="先前录入", published=True)
    OfficialCalendarDay.objects.create(year=year, date=D(2027, 3, 1), kind=OfficialCalendarDay.Kind.HOLIDAY)
    for action in ("preview", "confirm"):
        html = client.post(reverse(ENTER), {"text": NOTICE_2027, "action": action}).content.decode()
        assert "2027年的日历已经启用，不能直接覆盖" in html and "取消勾选" in html
    year.refresh_from_db()
    assert (
        year.published
        and year.source == "先前录入"
        and list(year.days.values_list("date", flat=True)) == [D(2027, 3, 1)]
    )

    year.published = False
    year.save()
    preview = client.post(reverse(ENTER), {"text": NOTICE_2027, "action": "preview"}).content.decode()
    assert "已有一份尚未启用的日历（1个日期），确认后将被本次录入的内容替换" in preview
    client.post(reverse(ENTER), {"text": NOTICE_2027, "year": "2027", "action": "confirm"})
    year.refresh_from_db()
    assert not year.published and year.days.count() == 32 and not year.days.filter(date=D(2027, 3, 1)).exists()


def test_back_from_the_preview_keeps_the_text(client, office):
    client.force_login(office)
    back = client.post(reverse(ENTER), {"text": NOTICE_2027, "year": "2027", "action": "edit"})
    assert back.context["form"]["text"].value() == NOTICE_2027
    assert "读取并预览" in back.content.decode()


def test_the_notice_can_be_uploaded_as_gbk_text_or_docx(client, office):
    client.force_login(office)
    txt = SimpleUploadedFile("通知.txt", NOTICE_2027.encode("gb18030"), content_type="text/plain")
    html = client.post(reverse(ENTER), {"upload": txt, "action": "preview"}).content.decode()
    assert "核对录入内容：2027年" in html and "10月9日（周六）" in html

    document = docx.Document()
    for line in NOTICE_2027.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    upload = SimpleUploadedFile("通知.docx", buffer.getvalue())
    html = client.post(reverse(ENTER), {"upload": upload, "action": "preview"}).content.decode()
    assert "核对录入内容：2027年" in html and "4月25日（周日）" in html
    # The preview carries the text, so the file is not needed again to confirm.
    assert "七、国庆节：10月1日（周五）至7日（周四）放假调休" in html

    pdf = SimpleUploadedFile("通知.pdf", b"%PDF-1.4")
    assert "只能上传 .txt 或 .docx 文件" in client.post(reverse(ENTER), {"upload": pdf}).content.decode()
    broken = SimpleUploadedFile("通知.docx", b"not a zip")
    assert "无法读取该 Word 文件" in client.post(reverse(ENTER), {"upload": broken}).content.decode()
    assert not OfficialCalendarYear.objects.exists()


@pytest.mark.parametrize("role", [roles.RECOMMENDER, roles.EDITOR, roles.EXPERT, roles.FINANCE])
def test_without_the_power_the_entry_is_refused(client, db, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse(ENTER)).status_code in (302, 403)
    response = client.post(reverse(ENTER), {"text": NOTICE_2027, "year": "2027", "action": "confirm"})
    assert response.status_code in (302, 403)
    assert not OfficialCalendarYear.objects.exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse(ENTER))
    assert response.status_code == 302 and "login" in response["Location"]


# --- demo calendars ---


def enter_2027(is_demo, published=True):
    schedule = parse(NOTICE_2027)
    year = OfficialCalendarYear.objects.create(year=2027, source=schedule.source, published=published, is_demo=is_demo)
    OfficialCalendarDay.objects.bulk_create(
        OfficialCalendarDay(year=year, date=d.date, kind=d.kind, note=d.note) for d in schedule.days
    )
    return year


def test_a_window_counted_on_a_demo_year_says_so(db):
    enter_2027(is_demo=True)
    assert workdays.demo_years() == {2027}
    assert workdays.window_status(D(2027, 9, 29), 5, D(2027, 10, 4))["demo_calendar"] is True
    # Starts in 2026 (the package's official data) and ends in the demo year.
    status = workdays.window_status(D(2026, 12, 31), 2, D(2026, 12, 1))
    assert status["end"] == D(2027, 1, 4) and status["demo_calendar"] is True
    # Wholly in 2026: not affected.
    assert workdays.window_status(D(2026, 12, 28), 4, D(2026, 12, 1))["demo_calendar"] is False
    assert workdays.window_status(None, 5, D(2026, 12, 1))["demo_calendar"] is False


def test_a_disabled_demo_year_is_no_demo_year(db):
    enter_2027(is_demo=True, published=False)
    assert workdays.demo_years() == set()


def test_the_listing_marks_a_demo_year(client, office):
    year = enter_2027(is_demo=True)
    assert "演示（非官方）" in str(year)
    client.force_login(office)
    listing = client.get(reverse(LIST)).content.decode()
    assert "演示（非官方）" in listing
    year.is_demo = False
    year.save()
    listing = client.get(reverse(LIST)).content.decode()
    assert "演示（非官方）" not in listing.split("<tbody")[1] and "国务院办公厅通知" in listing
    assert "已启用" in listing and ">True<" not in listing


def test_entering_a_demo_schedule_marks_the_year(client, office):
    client.force_login(office)
    html = client.post(reverse(ENTER), {"text": NOTICE_2027, "is_demo": "on", "action": "preview"}).content.decode()
    assert "演示（非官方）" in html and 'name="is_demo" value="on"' in html
    client.post(reverse(ENTER), {"text": NOTICE_2027, "year": "2027", "is_demo": "on", "action": "confirm"})
    assert OfficialCalendarYear.objects.get(year=2027).is_demo
