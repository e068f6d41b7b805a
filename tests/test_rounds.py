"""Round.full_clean() (SPEC §4, §11: Art 4, 9(1), 16) and one entry per person per round (SPEC §4, §10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roster.models import Entry
from tests.factories import EntryFactory, RoundFactory

D = datetime.date


def _messages(round_) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        round_.full_clean()
    return [m for messages in exc.value.message_dict.values() for m in messages]


def _assert_refused(round_, article: str) -> list[str]:
    messages = _messages(round_)
    assert any(article in m for m in messages), messages
    return messages


def test_valid_2024_round_passes(db):
    round_ = RoundFactory.build(year=2024)
    assert round_.call_date == D(2024, 10, 15)
    round_.full_clean()  # no exception


def test_factory_round_with_default_values_is_clean(db):
    RoundFactory().full_clean()


# --- Art 9(1): the call is issued in the fourth quarter of the selection year ---


@pytest.mark.parametrize(
    "call_date",
    [
        D(2024, 9, 30),  # third quarter
        D(2024, 1, 15),  # first quarter
        D(2023, 10, 15),  # fourth quarter of another year
        D(2025, 1, 5),  # after the selection year
    ],
)
def test_call_date_outside_q4_of_the_round_year_is_refused(db, call_date):
    round_ = RoundFactory.build(year=2024, call_date=call_date, application_deadline=D(2025, 2, 28))
    _assert_refused(round_, "第九条第一项")


@pytest.mark.parametrize("call_date", [D(2024, 10, 1), D(2024, 12, 31)])
def test_call_date_on_the_edges_of_q4_passes(db, call_date):
    RoundFactory.build(year=2024, call_date=call_date, application_deadline=D(2025, 1, 31)).full_clean()


def test_call_date_error_is_on_call_date(db):
    round_ = RoundFactory.build(year=2024, call_date=D(2024, 9, 30))
    with pytest.raises(ValidationError) as exc:
        round_.full_clean()
    assert any("第九条第一项" in m for m in exc.value.message_dict["call_date"])


# --- Art 4: quota ---


def test_quota_above_the_rule_set_maximum_is_refused(db):
    round_ = RoundFactory.build(quota=11)
    assert round_.rule_set.max_selected == 10
    messages = _assert_refused(round_, "第四条")
    assert any("10" in m for m in messages), messages


def test_quota_at_the_maximum_passes(db):
    RoundFactory.build(quota=10).full_clean()


# --- Art 4: one round every 2 selection years ---


def test_round_one_year_after_an_existing_round_is_refused(db):
    RoundFactory(year=2024)
    messages = _assert_refused(RoundFactory.build(year=2025), "第四条")
    assert any("2024" in m for m in messages), messages


def test_round_one_year_before_an_existing_round_is_refused(db):
    RoundFactory(year=2024)
    _assert_refused(RoundFactory.build(year=2023), "第四条")


def test_round_in_the_same_year_as_an_existing_round_is_refused(db):
    RoundFactory(year=2024)
    _assert_refused(RoundFactory.build(year=2024), "第四条")


def test_round_two_years_after_an_existing_round_passes(db):
    RoundFactory(year=2022)
    RoundFactory.build(year=2024).full_clean()


def test_existing_round_is_not_compared_with_itself(db):
    round_ = RoundFactory(year=2024)
    round_.quota = 8
    round_.full_clean()


# --- Art 16: only under a rule set in force on the call date ---


def test_call_date_after_the_rule_set_validity_is_refused(db):
    round_ = RoundFactory.build(year=2026)
    assert round_.rule_set.valid_until == D(2025, 12, 31)
    _assert_refused(round_, "第十六条")


def test_call_date_on_the_last_day_of_validity_passes(db):
    RoundFactory.build(year=2025, call_date=D(2025, 12, 31), application_deadline=D(2026, 1, 31)).full_clean()


# --- one entry per person per round (SPEC §4, §10) ---


def test_second_entry_for_the_same_person_and_round_is_refused_by_the_database(db):
    entry = EntryFactory()
    duplicate = Entry(round=entry.round, person=entry.person, unit=entry.unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Entry.objects.filter(round=entry.round, person=entry.person).count() == 1


def test_second_entry_full_clean_gives_a_chinese_message_on_person(db):
    entry = EntryFactory()
    duplicate = Entry(round=entry.round, person=entry.person, unit=entry.unit)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    messages = exc.value.message_dict.get("person")
    assert messages, exc.value.message_dict
    assert any("批次" in m for m in messages), messages


def test_second_entry_clean_gives_a_chinese_message_on_person(db):
    """The model's own rule, without the field cleaning that full_clean() runs first."""
    entry = EntryFactory()
    duplicate = Entry(round=entry.round, person=entry.person, unit=entry.unit)
    with pytest.raises(ValidationError) as exc:
        duplicate.clean()
    messages = exc.value.message_dict.get("person")
    assert messages, exc.value.message_dict
    assert any("同一批次" in m for m in messages), messages


def test_same_person_in_another_round_is_not_a_duplicate(db):
    entry = EntryFactory()
    other = Entry(round=RoundFactory(year=2022), person=entry.person, unit=entry.unit)
    other.validate_constraints()  # the Art 14(3) rule is the eligibility checklist's business, not a model error
    other.save()
    assert Entry.objects.filter(person=entry.person).count() == 2
