"""Demo working-day calendars for years the State Council has not scheduled yet.

The demo site needs publicity windows in such years. Their schedule is an assumption written as a notice
(元旦, 春节 from the eve, 清明节, 劳动节, 国庆节; no 调休, no 端午节 or 中秋节) and read by the same parser as the office's real
notices; the year is saved marked 演示（非官方） and every window counted on it says so (SPEC §3)."""

import datetime

from django.db import transaction

from . import holiday_notice, workdays
from .calendar_entry import save_schedule
from .models import OfficialCalendarYear

# 农历除夕 (the eve of the Spring Festival) of the years the demo may need.
SPRING_FESTIVAL_EVE = {
    2027: datetime.date(2027, 2, 5),
    2028: datetime.date(2028, 1, 25),
    2029: datetime.date(2029, 2, 12),
    2030: datetime.date(2030, 2, 2),
    2031: datetime.date(2031, 1, 22),
    2032: datetime.date(2032, 2, 10),
}


def _span(first: datetime.date, days: int) -> str:
    last = first + datetime.timedelta(days=days - 1)
    end = f"{last.day}日" if last.month == first.month else f"{last.month}月{last.day}日"
    return f"{first.month}月{first.day}日至{end}放假，共{days}天。"


def demo_notice(year: int) -> str:
    """The assumed schedule of `year`, as a notice the office could paste."""
    eve = SPRING_FESTIVAL_EVE[year]
    return "\n".join(
        [
            f"{year}年部分节假日安排（演示用假设安排，非国务院办公厅通知）",
            "一、元旦：1月1日放假，共1天。",
            f"二、春节：{_span(eve, 8)}",
            "三、清明节：4月5日放假，共1天。",
            f"四、劳动节：{_span(datetime.date(year, 5, 1), 5)}",
            f"五、国庆节：{_span(datetime.date(year, 10, 1), 7)}",
        ]
    )


@transaction.atomic
def ensure_demo_years(last_year: int) -> list[int]:
    """Enters and enables a demo schedule for every year up to `last_year` that neither the package nor
    the office knows; returns those years."""
    entered = []
    for year in sorted(y for y in SPRING_FESTIVAL_EVE if y <= last_year):
        if workdays.package_knows(year) or OfficialCalendarYear.objects.filter(year=year, published=True).exists():
            continue
        calendar_year = save_schedule(holiday_notice.parse(demo_notice(year), year), is_demo=True, user=None)
        calendar_year.published = True
        calendar_year.source = f"{year}年演示用假设安排（非国务院办公厅通知）"
        calendar_year.save(update_fields=["published", "source"])
        entered.append(year)
    return entered
