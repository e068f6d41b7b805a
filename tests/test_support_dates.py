"""make lint warns before and after a framework's security support ends (issue 20 item 5)."""

import datetime

from portal.support import warnings_for


def test_wagtail_8_0_is_warned_of_from_90_days_before_its_end_and_after_it():
    assert warnings_for({"wagtail": "8.0.1"}, datetime.date(2026, 10, 1)) == []
    soon = warnings_for({"wagtail": "8.0.1"}, datetime.date(2026, 12, 1))
    assert soon == ["wagtail 8.0.1 的安全支持将于 2027-02-02 结束（还剩63天），请安排升级。"]
    past = warnings_for({"wagtail": "8.0.1"}, datetime.date(2027, 2, 3))
    assert past == ["wagtail 8.0.1 的安全支持已于 2027-02-02 结束，请尽快升级。"]


def test_a_release_without_a_known_date_is_reported():
    assert warnings_for({"Django": "6.0.1"}, datetime.date(2026, 12, 1)) == [
        "Django 6.0.1：未登记安全支持截止日期，请在 portal/support.py 中补充。"
    ]
