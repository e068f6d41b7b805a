"""Working days on the official PRC calendar (SPEC §3).

Years known to chinesecalendar come from it; later years from the schedule the office enters in the
admin (OfficialCalendarYear, once marked published). A date of any other year raises CalendarUnknown:
the calendar never guesses.
"""

import datetime
from functools import lru_cache

import chinese_calendar

from .errors import CalendarUnknown

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def package_knows(year: int) -> bool:
    """Whether chinesecalendar carries the official schedule of `year` (it then takes precedence)."""
    return _package_knows(year)


def _office_schedule(year: int) -> tuple[dict[datetime.date, bool], bool] | None:
    """({date: is_workday} for the office-entered exceptions of `year`, whether it is a demo schedule),
    or None when the year is not enabled."""
    from .models import OfficialCalendarDay, OfficialCalendarYear

    is_demo = OfficialCalendarYear.objects.filter(year=year, published=True).values_list("is_demo", flat=True).first()
    if is_demo is None:
        return None
    days = OfficialCalendarDay.objects.filter(year__year=year).values_list("date", "kind")
    return {d: kind == OfficialCalendarDay.Kind.WORKDAY for d, kind in days}, is_demo


def _office_year(year: int) -> dict[datetime.date, bool] | None:
    """{date: is_workday} for the office-entered exceptions of `year`, or None when not published."""
    schedule = _office_schedule(year)
    return None if schedule is None else schedule[0]


class Calendar:
    """Answers is_workday for many dates with one look-up per year."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, bool] | None] = {}
        self.demo_years: set[int] = set()  # years looked at whose schedule is a demo, not the State Council's

    def is_workday(self, day: datetime.date) -> bool:
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self._years:
            schedule = _office_schedule(day.year)
            self._years[day.year] = None if schedule is None else schedule[0]
            if schedule is not None and schedule[1]:
                self.demo_years.add(day.year)
        exceptions = self._years[day.year]
        if exceptions is None:
            raise CalendarUnknown(day.year)
        if day in exceptions:
            return exceptions[day]
        return day.weekday() < 5


def is_workday(day: datetime.date) -> bool:
    return Calendar().is_workday(day)


def demo_years() -> set[int]:
    """Years whose working days are counted on a demo schedule (enabled, marked 演示（非官方）, and not
    known to the package, whose official data would take precedence)."""
    from .models import OfficialCalendarYear

    years = OfficialCalendarYear.objects.filter(published=True, is_demo=True).values_list("year", flat=True)
    return {year for year in years if not package_knows(year)}


def year_known(year: int) -> bool:
    """Whether working days of `year` can be counted (the package knows it, or the office enabled it)."""
    return _package_knows(year) or _office_year(year) is not None


# From this month on the office is reminded when next year's official schedule is still missing.
REMIND_FROM_MONTH = 11


def missing_next_year(today: datetime.date) -> int | None:
    """Next year, when it is time to enter its official schedule and nobody has (a demo schedule is not
    official); else None."""
    year = today.year + 1
    if today.month >= REMIND_FROM_MONTH and (not year_known(year) or year in demo_years()):
        return year
    return None


def window_end(start: datetime.date, n: int, calendar: Calendar | None = None) -> datetime.date:
    """The last day of an n-working-day window whose first day is `start` (included if a working day)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    calendar = calendar or Calendar()
    day, counted = start, 0
    while True:
        if calendar.is_workday(day):
            counted += 1
            if counted == n:
                return day
        day += ONE_DAY


def working_days_between(first: datetime.date, last: datetime.date, calendar: Calendar | None = None) -> int:
    """Working days from `first` to `last`, both included (0 when last < first)."""
    calendar = calendar or Calendar()
    count, day = 0, first
    while day <= last:
        count += calendar.is_workday(day)
        day += ONE_DAY
    return count


def window_status(start: datetime.date | None, n: int, today: datetime.date) -> dict:
    """What a publicity window looks like on `today`: 未开始 / 公示中 / 已结束, its end and days left.
    `demo_calendar` is True when a day of the window falls in a year counted on a demo schedule
    (演示（非官方）): wherever the window is shown it must say so."""
    if start is None:
        return {
            "state": "none",
            "label": "未开始",
            "start": None,
            "end": None,
            "days_left": None,
            "demo_calendar": False,
        }
    calendar = Calendar()
    end = window_end(start, n, calendar)  # looks at every day from start to end, so every year in between
    status = {"start": start, "end": end, "demo_calendar": bool(calendar.demo_years)}
    if today < start:
        return {**status, "state": "pending", "label": "未开始", "days_left": n}
    if today > end:
        return {**status, "state": "ended", "label": "已结束", "days_left": 0}
    return {**status, "state": "open", "label": "公示中", "days_left": working_days_between(today, end, calendar)}
