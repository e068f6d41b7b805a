"""Concurrency on the production database (run by `make test` on PostgreSQL; SQLite serialises writers)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from roster import services
from roster.models import Entry
from tests.factories import EntryFactory, RoundFactory, UserFactory
from workflow import roles
from workflow.errors import TransitionRefused
from workflow.states import QUOTA_STATES, Status

S = Status
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test runs it)"),
]


def run_threads(targets):
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def wrap(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except TransitionRefused as exc:
            results[i] = ("refused", exc.reason)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_thirty_staff_shortlisting_never_exceed_the_quota():
    round_ = RoundFactory(quota=10)
    office = UserFactory(role=roles.OFFICE)
    entries = [EntryFactory(round=round_, status=S.QUALIFIED) for _ in range(30)]
    results = run_threads(
        [lambda e=e: services.perform(Entry.objects.get(pk=e.pk), "shortlist", office) for e in entries]
    )
    succeeded = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(succeeded) == 10 and len(refused) == 20
    assert all("名额" in reason for _, reason in refused)
    assert Entry.objects.filter(round=round_, status__in=QUOTA_STATES).count() == 10
    shortlists = sum(services.history(e).filter(data__transition="shortlist").count() for e in entries)
    assert shortlists == 10


def test_two_staff_moving_one_entry_one_wins_the_other_is_told():
    entry = EntryFactory(status=S.SUBMITTED)
    a, b = UserFactory(role=roles.OFFICE), UserFactory(role=roles.OFFICE)
    copy_a, copy_b = Entry.objects.get(pk=entry.pk), Entry.objects.get(pk=entry.pk)
    results = run_threads(
        [
            lambda: services.perform(copy_a, "pass_qualification", a),
            lambda: services.perform(copy_b, "fail_qualification", b, comment="不符合条件"),
        ]
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"]
    assert any(r[0] == "refused" and "记录已被他人修改" in r[1] for r in results)
    entry.refresh_from_db()
    assert entry.status in (S.QUALIFIED, S.INELIGIBLE)
    assert services.history(entry).filter(data__from=S.SUBMITTED).count() == 1


def test_two_certify_calls_never_share_a_certificate_number():
    round_ = RoundFactory()
    office = UserFactory(role=roles.OFFICE)
    entries = [EntryFactory(round=round_, status=S.GOVERNMENT_REVIEW) for _ in range(6)]
    day = datetime.date(2025, 1, 20)
    results = run_threads(
        [
            lambda e=e: services.perform(Entry.objects.get(pk=e.pk), "certify", office, announcement_date=day)
            for e in entries
        ]
    )
    numbers = list(
        Entry.objects.filter(round=round_).exclude(certificate_number=None).values_list("certificate_number", flat=True)
    )
    assert len(numbers) == len(set(numbers))
    assert len(numbers) == sum(1 for r in results if r[0] == "ok")
    assert all("证书编号" in r[1] or "他人" in r[1] for r in results if r[0] == "refused")


def test_schedulers_on_two_nodes_at_the_same_moment_enqueue_the_daily_job_once():
    """Issue 13: the slot's claim is the lock; eight schedulers firing together enqueue one task."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from roster.reminders import enqueue_job

    def fire(node):
        with transaction.atomic():
            return enqueue_job("daily", node=node)

    results = run_threads([lambda n=n: fire(f"节点{n}") for n in range(8)])
    assert sorted(value for _, value in results) == [False] * 7 + [True]
    assert DBTaskResult.objects.filter(task_path="roster.reminders.daily_task").count() == 1
