"""Plausible dates: every date the portal records lies between 1900 and 2100 (a typo such as 0001-01-01 or
9999-12-31 is refused with a clear message instead of being stored)."""

import datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def implausible(value: datetime.date) -> str:
    """The Chinese reason a date is refused, or "" when it is plausible."""
    if isinstance(value, datetime.date) and not EARLIEST <= value <= LATEST:
        return f"日期 {value.isoformat()} 不在1900年至2100年之间，请核对后重新填写"
    return ""


def validate_plausible(value: datetime.date) -> None:
    """Model and form field validator."""
    reason = implausible(value)
    if reason:
        raise ValidationError(reason + "。", code="implausible_date")
