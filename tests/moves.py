"""Helpers that drive entries through roster.services.perform in tests: valid move data, refusals and
moves checked with their history, the round-level set-up a legal move needs."""

import contextlib
import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone

from roster.models import Entry
from roster.services import history, perform
from tests import clock
from tests.factories import ObjectionFactory
from workflow.errors import TransitionRefused

HAN = re.compile(r"[\u4e00-\u9fff]")


def move_data(name: str, entry) -> dict:
    """Valid keyword data for transition `name` on `entry` (SPEC §11)."""
    today = timezone.localdate()
    if name == "certify":
        return {"announcement_date": datetime.date(entry.round.year + 1, 1, 20)}
    if name == "stop_benefits":
        return {"reason": "left_post", "effective_date": today}
    if name == "propose_revocation":
        return {"ground": 3, "fact_date": datetime.date(2023, 1, 1)}
    if name == "start_district_publicity":
        return {"unit_posted_on": today}
    if name == "fail_term_evaluation":
        return {"unit_responsible": False}
    return {}


def fresh(entry_or_pk) -> Entry:
    pk = entry_or_pk if isinstance(entry_or_pk, int) else entry_or_pk.pk
    return Entry.objects.get(pk=pk)


def assert_refused(entry, name, user, comment="（测试）书面说明", *, article=None, **data) -> TransitionRefused:
    """perform() refuses, with a Chinese reason, and changes neither the status nor the history."""
    status_before = fresh(entry).status
    history_before = history(entry).count()
    with pytest.raises(TransitionRefused) as info:
        perform(fresh(entry), name, user, comment=comment, **data)
    exc = info.value
    assert isinstance(exc.reason, str) and exc.reason.strip(), f"{name}: empty reason"
    assert HAN.search(exc.reason), f"{name}: reason not in Chinese: {exc.reason!r}"
    assert isinstance(exc.article, str)
    if article is not None:
        assert exc.article == article, f"{name}: article {exc.article!r} != {article!r} ({exc.reason})"
    assert fresh(entry).status == status_before
    assert history(entry).count() == history_before
    return exc


def assert_moves(entry, name, user, comment="", *, target=None, **data) -> Entry:
    """perform() succeeds and writes exactly one history row describing the move."""
    before = fresh(entry)
    rows_before = set(history(entry).values_list("pk", flat=True))
    try:
        result = perform(fresh(entry), name, user, comment=comment, **data)
    except TransitionRefused as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"{name} from {before.status} by {user} refused: {exc.reason}（{exc.article}）")
    after = fresh(entry)
    assert result.status == after.status
    if target is not None:
        assert after.status == target
    # identified by pk, not by order: a travelling clock may date the new row before the factory's rows
    new_rows = list(history(entry).exclude(pk__in=rows_before))
    assert len(new_rows) == 1
    assert history(entry).count() == len(rows_before) + 1
    row = new_rows[0]
    assert row.user_id == user.pk
    assert row.data["transition"] == name
    assert row.data["from"] == before.status
    assert row.data["to"] == after.status
    assert row.data["comment"] == comment.strip()
    assert isinstance(row.data["article"], str) and row.data["article"].startswith("第")
    return after


@contextlib.contextmanager
def rolled_back():
    """Runs a block inside a savepoint that is always rolled back."""
    sid = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)


def link_district_notice(round_, notice) -> None:
    """Makes the demo site's district notice the 公示 of `round_`, listing its shortlisted entries as if
    published at 00:00 today (the window's first day is today)."""
    from home.demo import today_midnight
    from home.listings import republish_list

    notice.round = round_
    notice.level = "district"
    notice.save()
    republish_list(notice, today_midnight())


def prepare(entry, state, name, request):
    """Meets the guards of a legal move that depend on the round or on records a test adds
    (SPEC §11: the factory leaves those to the test). Returns a context manager for the clock."""
    if name == "reject_after_unit_publicity":
        ObjectionFactory(entry=entry, status="upheld")
    if name == "start_district_publicity":
        link_district_notice(entry.round, request.getfixturevalue("demo_site")["publicity"])
    if name == "end_term":
        term_end = fresh(entry).term_end
        return clock.on(term_end)
    return contextlib.nullcontext()
