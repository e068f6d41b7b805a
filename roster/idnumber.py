"""居民身份证号 (GB 11643-1999): 18 characters, a real birth date, the ISO 7064 MOD 11-2 check digit."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.crypto import salted_hmac

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    return (value or "").strip().upper()


def birth_date_of(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def is_valid(value: str) -> bool:
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


def gender_of(value: str) -> str:
    return "男" if int(value[16]) % 2 else "女"


def validate_id_number(value: str) -> None:
    value = normalise(value)
    if len(value) != 18:
        raise ValidationError("居民身份证号应为18位，当前为%(n)s位。", params={"n": len(value)}, code="length")
    if not SHAPE.match(value):
        raise ValidationError("居民身份证号前17位应为数字，第18位为数字或X。", code="shape")
    try:
        birth = birth_date_of(value)
    except ValueError:
        raise ValidationError("居民身份证号中的出生日期不存在。", code="birth_date") from None
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError("居民身份证号中的出生日期不合理。", code="birth_date")
    if check_digit(value[:17]) != value[17]:
        raise ValidationError("居民身份证号校验位错误，请核对。", code="check_digit")


def make_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """A valid number for `birth` (used to build demo and test data)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


def mask(value: str) -> str:
    """3701**********123X-style masking for lists."""
    value = value or ""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    value = value or ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> None:
    if value and not MOBILE.match(value):
        raise ValidationError("请填写11位手机号码，如 13800000000。")


def mask_account(value: str) -> str:
    """A bank account shows only its last four digits outside the payment sheet."""
    value = value or ""
    return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else "*" * len(value)


def normalise_account(value: str) -> str:
    """Bank account numbers are written in groups: the digits alone are kept."""
    return re.sub(r"[\s-]", "", value or "")


def validate_bank_account(value: str) -> None:
    if value and not re.fullmatch(r"\d{8,32}", normalise_account(value)):
        raise ValidationError("银行账号应为8至32位数字（可用空格分组）。")


def keyed_hash(value: str) -> str:
    """A keyed hash of an ID number (HMAC-SHA256 under settings.PERSONAL_DATA_KEY): the same person is
    recognised after their number has been pseudonymised, and the hash alone gives the number away to
    nobody who lacks the key."""
    return salted_hmac(
        "roster.person.id_number",
        normalise(value),
        secret=settings.PERSONAL_DATA_KEY or settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()
