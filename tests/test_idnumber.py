"""居民身份证号 (GB 11643-1999, ISO 7064 MOD 11-2) on roster.models.Person (SPEC §4, §10, §11).

Check characters worked out by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 on the first 17
digits, sum mod 11 -> "1 0 X 9 8 7 6 5 4 3 2".

- 11010519491231002: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167, 167 mod 11 = 2 -> X
  (the example of the standard).
- 37040219790228001: 21+63+0+20+0+8+2+9+42+27+0+18+20+40+0+0+2 = 272, 272 mod 11 = 8 -> 4
- 37040219850615001: 21+63+0+20+0+8+2+9+48+15+0+54+10+25+0+0+2 = 277, 277 mod 11 = 2 -> X
- 37040219850615006: the same prefix (275) + 6*2 = 287, 287 mod 11 = 1 -> 0
- 37040219990230001 (30 February, no such date): sum mod 11 = 1 -> 0, so 370402199902300010 fails only on
  its date
- 37040220990101001 (born 2099): check char 8; numbers like it are built with _gb11643 below
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from roster import idnumber
from tests.factories import PersonFactory, UnitFactory

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _gb11643(first17: str) -> str:
    """Independent MOD 11-2 check character, to build numbers whose only fault is elsewhere."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


VALID_X_STANDARD = "11010519491231002X"  # female (17th digit 2), born 1949-12-31
VALID_MALE = "370402197902280014"  # male (17th digit 1), born 1979-02-28
VALID_X_MALE = "37040219850615001X"  # male (17th digit 1), born 1985-06-15
VALID_FEMALE = "370402198506150060"  # female (17th digit 6), born 1985-06-15


def test_independent_helper_agrees_with_the_hand_computation():
    assert _gb11643("11010519491231002") == "X"
    assert _gb11643("37040219790228001") == "4"
    assert _gb11643("37040219850615001") == "X"
    assert _gb11643("37040219850615006") == "0"


def _person(id_number, **kwargs):
    unit = kwargs.pop("unit", None) or UnitFactory()
    return PersonFactory.build(id_number=id_number, unit=unit, **kwargs)


def _id_errors(person) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    errors = exc.value.message_dict
    assert "id_number" in errors, errors
    return errors["id_number"]


def _assert_id_accepted(person) -> None:
    """The ID number passes; other fields (a newborn has no qualification yet) may still be refused."""
    try:
        person.full_clean()
    except ValidationError as exc:
        assert "id_number" not in exc.message_dict, exc.message_dict


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("number", [VALID_X_STANDARD, VALID_MALE, VALID_X_MALE, VALID_FEMALE])
def test_valid_numbers_pass_full_clean(db, number):
    person = _person(number)
    person.full_clean()  # no exception
    assert person.id_number == number


@pytest.mark.parametrize("number", [VALID_X_STANDARD, VALID_MALE, VALID_X_MALE, VALID_FEMALE])
def test_validator_accepts_valid_numbers(number):
    idnumber.validate_id_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "37040219790228001",  # 17 characters
        "3704021979022800140",  # 19 characters
        "37040219790228A014",  # a letter among the first 17
        "37040219790228001Y",  # a letter other than X in the check position
        "ABCDEFGHIJKLMNOPQR",  # letters only
        "370402199902300010",  # 30 February 1999 does not exist (check char correct)
        "37040219991301001" + _gb11643("37040219991301001"),  # month 13 (check char correct)
        "37040220990101001" + _gb11643("37040220990101001"),  # born 2099: in the future
        "370402197902280015",  # wrong check digit (should be 4)
        "110105194912310020",  # wrong check char (should be X)
        "",  # empty
    ],
)
def test_invalid_numbers_are_refused_on_id_number_in_chinese(db, number):
    messages = _id_errors(_person(number))
    assert messages
    assert all(_has_chinese(m) for m in messages), messages


def test_wrong_check_digit_message_is_about_the_check_digit(db):
    messages = _id_errors(_person("370402197902280015"))
    assert any("校验" in m for m in messages), messages


def test_bad_date_message_is_about_the_birth_date(db):
    messages = _id_errors(_person("370402199902300010"))
    assert any("出生日期" in m for m in messages), messages


def test_length_message_names_the_length(db):
    messages = _id_errors(_person("37040219790228001"))
    assert any("18" in m for m in messages), messages


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_birth_date_after_today_is_refused_and_today_is_accepted(db):
    tomorrow = "37040220250602001"
    messages = _id_errors(_person(tomorrow + _gb11643(tomorrow)))
    assert any("出生日期" in m for m in messages), messages
    today = "37040220250601001"
    _assert_id_accepted(_person(today + _gb11643(today)))


# 2025-06-01 20:00 UTC is 2025-06-02 04:00 in Asia/Shanghai: "today" is 2 June (SPEC §3).
@time_machine.travel(datetime.datetime(2025, 6, 1, 20, 0, tzinfo=datetime.UTC), tick=False)
def test_future_birth_date_uses_the_shanghai_date(db):
    born_shanghai_today = "37040220250602001"
    _assert_id_accepted(_person(born_shanghai_today + _gb11643(born_shanghai_today)))
    born_shanghai_tomorrow = "37040220250603001"
    messages = _id_errors(_person(born_shanghai_tomorrow + _gb11643(born_shanghai_tomorrow)))
    assert any("出生日期" in m for m in messages), messages


def test_lowercase_x_is_normalised_to_upper_case_and_valid(db):
    person = _person(VALID_X_MALE.lower())
    person.full_clean()
    assert person.id_number == VALID_X_MALE
    person.save()
    person.refresh_from_db()
    assert person.id_number == VALID_X_MALE


def test_saving_derives_birth_date_and_gender(db):
    male = _person(VALID_MALE)
    male.full_clean()
    male.save()
    male.refresh_from_db()
    assert male.birth_date == datetime.date(1979, 2, 28)
    assert male.gender == "男"

    female = _person(VALID_X_STANDARD)
    female.full_clean()
    female.save()
    female.refresh_from_db()
    assert female.birth_date == datetime.date(1949, 12, 31)
    assert female.gender == "女"  # 17th digit 2 is even, even with an X check char


def test_gender_follows_the_17th_digit_not_the_check_char(db):
    person = _person(VALID_X_MALE)
    person.save()
    assert person.gender == "男"  # 17th digit 1
    other = _person(VALID_FEMALE)
    other.save()
    assert other.gender == "女"  # 17th digit 6


def test_duplicate_id_number_is_refused_on_id_number(db):
    _person(VALID_MALE).save()
    messages = _id_errors(_person(VALID_MALE))
    assert messages


# --- masking (SPEC §4: personal information masked in lists) ---


@pytest.mark.parametrize("number", [VALID_X_STANDARD, VALID_MALE, VALID_X_MALE, VALID_FEMALE])
def test_mask_never_reveals_the_middle_digits(number):
    masked = idnumber.mask(number)
    assert len(masked) == len(number)
    # The region code prefix and the last four may show; the birth date never does.
    assert masked[4:-4] == "*" * (len(number) - 8)
    assert number[6:14] not in masked
    assert masked != number


def test_mask_of_short_values_reveals_nothing():
    assert idnumber.mask("12345678") == "********"
    assert idnumber.mask("") == ""


def test_person_masked_id_number_hides_the_birth_date(db):
    person = _person(VALID_MALE)
    assert "19790228" not in person.masked_id_number
    assert person.masked_id_number.count("*") >= 10


# --- the factory ---


def test_person_factory_birth_date_gives_a_valid_matching_id_number(db):
    person = PersonFactory(birth_date=datetime.date(1979, 2, 28))
    person.full_clean()
    assert person.id_number[6:14] == "19790228"
    assert _gb11643(person.id_number[:17]) == person.id_number[17]
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1979, 2, 28)
    assert person.gender in ("男", "女")
