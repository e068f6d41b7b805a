"""The tests' calendar: 'today' is 24 November 2026, 10:00 in Shanghai, unless a test travels."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def on(day: datetime.date):
    """Travel to 10:00 Shanghai time on `day`."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI), tick=False)
