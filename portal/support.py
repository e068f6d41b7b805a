"""The end of security support of the frameworks the portal stands on (make lint warns when passed).

Dates are the projects' own announcements: Wagtail's release schedule, Django's download page.
A release not listed here is reported too, so that its date gets added when it is adopted.

    python -m portal.support
"""

import datetime
import importlib.metadata
import sys

SUPPORTED_UNTIL = {
    "Django": {"5.2": datetime.date(2028, 4, 30)},
    "wagtail": {"8.0": datetime.date(2027, 2, 2)},
}
WARN_DAYS = 90


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def warnings_for(versions: dict[str, str], today: datetime.date) -> list[str]:
    found = []
    for package, version in versions.items():
        until = SUPPORTED_UNTIL.get(package, {}).get(minor(version))
        if until is None:
            found.append(f"{package} {version}：未登记安全支持截止日期，请在 portal/support.py 中补充。")
        elif today > until:
            found.append(f"{package} {version} 的安全支持已于 {until:%Y-%m-%d} 结束，请尽快升级。")
        elif (until - today).days <= WARN_DAYS:
            found.append(
                f"{package} {version} 的安全支持将于 {until:%Y-%m-%d} 结束（还剩{(until - today).days}天），请安排升级。"
            )
    return found


def main() -> int:
    versions = {package: importlib.metadata.version(package) for package in SUPPORTED_UNTIL}
    for line in warnings_for(versions, datetime.date.today()):
        print(f"警告：{line}", file=sys.stderr)
    print("；".join(f"{p} {v}（支持至 {SUPPORTED_UNTIL[p].get(minor(v), '未登记')}）" for p, v in versions.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
