"""Working days on the official PRC calendar (SPEC §3, §11: workflow.workdays.window_end).

Expected values are worked out by hand from the State Council schedules:

2026 (国办发明电〔2025〕 schedule, as carried by chinesecalendar):
- Spring Festival: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are adjusted working days.
- Mid-Autumn: 25–27 Sep off.
- National Day: 1–7 Oct off; Sun 20 Sep and Sat 10 Oct are adjusted working days.

2027 is unknown to the package: the office has to enter it (OfficialCalendarYear / OfficialCalendarDay).
The 2027 rows used below are a made-up schedule for the test, not the real one.
"""

import datetime

import chinese_calendar
import pytest

from workflow import workdays
from workflow.errors import CalendarUnknown
from workflow.models import OfficialCalendarDay, OfficialCalendarYear
from workflow.workdays import window_end, window_status, working_days_between

D = datetime.date


def test_package_schedule_matches_the_assumptions_of_these_tests():
    """Guard against a package update silently changing the schedule the expectations rely on."""
    assert chinese_calendar.is_workday(D(2026, 2, 14))  # Saturday, adjusted working day
    assert chinese_calendar.is_workday(D(2026, 2, 28))  # Saturday, adjusted working day
    assert all(chinese_calendar.is_holiday(D(2026, 2, d)) for d in range(15, 24))
    assert all(chinese_calendar.is_holiday(D(2026, 9, d)) for d in range(25, 28))
    assert all(chinese_calendar.is_holiday(D(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(D(2026, 9, 20))  # Sunday, adjusted working day
    assert chinese_calendar.is_workday(D(2026, 10, 10))  # Saturday, adjusted working day
    assert not chinese_calendar.is_workday(D(2026, 9, 19))  # ordinary Saturday


# --- National Day / Mid-Autumn 2026 ---


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # Mon 28, Tue 29, Wed 30 Sep; 1–7 Oct off; Thu 8, Fri 9 Oct.
        (D(2026, 9, 28), 5, D(2026, 10, 9)),
        # ... and the 6th working day is the adjusted Saturday 10 Oct.
        (D(2026, 9, 28), 6, D(2026, 10, 10)),
        # Thu 24 Sep; 25–27 Sep off (Mid-Autumn); 28, 29, 30 Sep; 1–7 Oct off; 8 Oct.
        (D(2026, 9, 24), 5, D(2026, 10, 8)),
        # Start on a holiday: 8, 9, 10 (Sat, adjusted), 12, 13 Oct.
        (D(2026, 10, 1), 5, D(2026, 10, 13)),
        # Start mid-holiday, one day: the next working day.
        (D(2026, 10, 4), 1, D(2026, 10, 8)),
        # Start on an ordinary Saturday: the next working day is the adjusted Sunday 20 Sep.
        (D(2026, 9, 19), 1, D(2026, 9, 20)),
        # Start on the adjusted Sunday itself: it counts.
        (D(2026, 9, 20), 1, D(2026, 9, 20)),
        # Sun 20 (adjusted), Mon 21 .. Thu 24; 25–27 off; so 5 days end on Thu 24 Sep.
        (D(2026, 9, 20), 5, D(2026, 9, 24)),
        # Start on the adjusted Saturday 10 Oct: 10, 12, 13, 14, 15 Oct.
        (D(2026, 10, 10), 5, D(2026, 10, 15)),
    ],
)
def test_window_across_national_day_2026(db, start, n, expected):
    assert window_end(start, n) == expected


# --- Spring Festival 2026 ---


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # Thu 12, Fri 13, Sat 14 (adjusted); 15–23 off; Tue 24, Wed 25 Feb.
        (D(2026, 2, 12), 5, D(2026, 2, 25)),
        # Start on the adjusted working Saturday: counted.
        (D(2026, 2, 14), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 2, D(2026, 2, 24)),
        # Start on the first holiday: 24, 25, 26, 27 Feb and the adjusted Saturday 28 Feb.
        (D(2026, 2, 15), 5, D(2026, 2, 28)),
        # A holiday that falls on a Saturday: next working day is Tue 24 Feb.
        (D(2026, 2, 21), 1, D(2026, 2, 24)),
        # An ordinary weekend before the festival: Sat 7 Feb -> Mon 9 Feb.
        (D(2026, 2, 7), 1, D(2026, 2, 9)),
        # Mon 9 .. Fri 13, Sat 14: five working days end on Fri 13 Feb.
        (D(2026, 2, 9), 5, D(2026, 2, 13)),
    ],
)
def test_window_across_spring_festival_2026(db, start, n, expected):
    assert window_end(start, n) == expected


def test_n_equal_one_on_an_ordinary_working_day_is_that_day(db):
    assert window_end(D(2026, 3, 4), 1) == D(2026, 3, 4)  # a Wednesday


def test_n_below_one_is_refused(db):
    with pytest.raises(ValueError):
        window_end(D(2026, 3, 4), 0)


def test_working_days_between(db):
    # 28, 29, 30 Sep + 8, 9, 10 Oct.
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 10)) == 6
    # 14 Feb (Sat, adjusted) + 24, 25, 26, 27, 28 Feb (Sat, adjusted).
    assert working_days_between(D(2026, 2, 14), D(2026, 2, 28)) == 6
    # The whole National Day holiday: none.
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    # One working day, both ends included.
    assert working_days_between(D(2026, 3, 4), D(2026, 3, 4)) == 1
    # Empty interval.
    assert working_days_between(D(2026, 3, 5), D(2026, 3, 4)) == 0


# --- window_status ---

# A 5-day window from Mon 28 Sep 2026 ends on Fri 9 Oct 2026 (see above).
START, END = D(2026, 9, 28), D(2026, 10, 9)


def test_window_status_before_start_is_not_started(db):
    status = window_status(START, 5, D(2026, 9, 27))
    assert status["label"] == "未开始"
    assert status["end"] == END
    assert status["days_left"] == 5


def test_window_status_on_first_day_is_open_with_all_days_left(db):
    status = window_status(START, 5, START)
    assert status["label"] == "公示中"
    assert status["start"] == START
    assert status["end"] == END
    assert status["days_left"] == 5


def test_window_status_during_the_holiday_counts_only_working_days_left(db):
    status = window_status(START, 5, D(2026, 10, 3))
    assert status["label"] == "公示中"
    assert status["days_left"] == 2  # 8 and 9 Oct


def test_window_status_on_last_day_is_still_open(db):
    status = window_status(START, 5, END)
    assert status["label"] == "公示中"
    assert status["days_left"] == 1


def test_window_status_after_last_day_has_ended(db):
    status = window_status(START, 5, END + datetime.timedelta(days=1))
    assert status["label"] == "已结束"
    assert status["days_left"] == 0
    assert status["end"] == END


def test_window_status_without_start_is_not_started(db):
    status = window_status(None, 5, D(2026, 10, 3))
    assert status["label"] == "未开始"
    assert status["end"] is None


# --- years without package data: CalendarUnknown, then the office's schedule ---


def test_2027_without_official_data_raises_calendar_unknown(db):
    with pytest.raises(CalendarUnknown) as exc:
        window_end(D(2027, 3, 1), 5)
    assert exc.value.year == 2027
    assert "2027" in str(exc.value)


def test_window_running_into_an_unknown_year_raises(db):
    # Thu 31 Dec 2026 is the first working day; the second would be in 2027.
    with pytest.raises(CalendarUnknown) as exc:
        window_end(D(2026, 12, 31), 2)
    assert "2027" in str(exc.value)


def test_window_ending_before_the_unknown_year_does_not_raise(db):
    # Mon 28 .. Thu 31 Dec 2026: the fourth working day is 31 Dec, 2027 is never looked at.
    assert window_end(D(2026, 12, 28), 4) == D(2026, 12, 31)


def _office_2027(published=True):
    year = OfficialCalendarYear.objects.create(
        year=2027, published=published, source="国务院办公厅关于2027年部分节假日安排的通知（测试数据）"
    )
    holidays = [D(2027, 1, 1)] + [D(2027, 10, d) for d in range(1, 8)]
    for day in holidays:
        OfficialCalendarDay.objects.create(year=year, date=day, kind=OfficialCalendarDay.Kind.HOLIDAY)
    for day in (D(2027, 9, 26), D(2027, 10, 9)):  # Sun 26 Sep, Sat 9 Oct
        OfficialCalendarDay.objects.create(year=year, date=day, kind=OfficialCalendarDay.Kind.WORKDAY)
    return year


def test_published_office_year_is_used(db):
    _office_2027()
    # Ordinary weeks: weekends off. Mon 1 Mar .. Fri 5 Mar 2027.
    assert window_end(D(2027, 3, 1), 5) == D(2027, 3, 5)
    # Sat 6 Mar: weekend, next working day Mon 8 Mar.
    assert window_end(D(2027, 3, 6), 1) == D(2027, 3, 8)
    # Wed 29, Thu 30 Sep; 1–7 Oct holiday rows; Fri 8, Sat 9 (workday row), Mon 11 Oct.
    assert window_end(D(2027, 9, 29), 5) == D(2027, 10, 11)
    # Sat 25 Sep is a weekend; Sun 26 Sep is a workday row.
    assert window_end(D(2027, 9, 25), 1) == D(2027, 9, 26)
    # A holiday row on a weekday: Fri 1 Oct is off -> Fri 8 Oct.
    assert window_end(D(2027, 10, 1), 1) == D(2027, 10, 8)
    # Sun 26 (workday row), Mon 27 .. Thu 30 Sep, Fri 8 and Sat 9 (workday row) Oct; Sun 10 Oct off.
    assert working_days_between(D(2027, 9, 25), D(2027, 10, 10)) == 7


def test_published_office_year_continues_a_window_from_the_package_year(db):
    _office_2027()
    # Thu 31 Dec 2026 (package); Fri 1 Jan 2027 holiday row; Sat 2, Sun 3; Mon 4 Jan 2027.
    assert window_end(D(2026, 12, 31), 2) == D(2027, 1, 4)


def test_unpublished_office_year_still_raises(db):
    _office_2027(published=False)
    with pytest.raises(CalendarUnknown) as exc:
        window_end(D(2027, 3, 1), 5)
    assert "2027" in str(exc.value)


def test_publishing_one_year_does_not_make_the_next_known(db):
    _office_2027()
    with pytest.raises(CalendarUnknown) as exc:
        workdays.is_workday(D(2028, 3, 1))
    assert "2028" in str(exc.value)
