"""The tests' calendar: 'today' is 24 November 2026, 10:00 in Shanghai, unless a test travels."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def moment(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    """A moment in Shanghai."""
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def on(day: datetime.date, hour: int = 10):
    """Travel to `hour` o'clock Shanghai time on `day` (10:00 unless told); the clock stands still there."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI), tick=False)


def travel(year: int, month: int, day: int, hour: int = 10):
    return on(datetime.date(year, month, day), hour)
