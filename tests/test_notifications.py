"""Notifications (issue 13): each event reaches exactly the users concerned, in their inbox and through a
real SMTP server, sent by the task worker after the change commits; a move commits while the mail server
is down and its mail goes out once the server is back; reminders go out once however often the
scheduler runs; no message carries a personal number."""

import datetime
import logging
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from roster.allowance import approve_run, compute_run
from roster.inbox import Delivery, Event, Notification, NotificationPreference, OutgoingMail, ScheduledRun
from roster.mail import requeue_stalled
from roster.models import Entry, StaffProfile
from roster.reminders import digest_task, enqueue_job
from roster.services import perform
from tests.factories import EntryFactory, ObjectionFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from tests.mailserver import run_worker, start_quiet
from workflow import roles
from workflow.states import Status

S = Status
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("queued_mail"),
]


@pytest.fixture
def cast():
    a, b = UnitFactory(name="甲单位"), UnitFactory(name="乙单位")
    people = SimpleNamespace(
        a=a,
        b=b,
        rec_a=UserFactory(role=roles.RECOMMENDER, unit=a, last_name="甲", first_name="经办"),
        rec_b=UserFactory(role=roles.RECOMMENDER, unit=b),
        o1=UserFactory(role=roles.OFFICE, last_name="孙", first_name="办一"),
        o2=UserFactory(role=roles.OFFICE, last_name="周", first_name="办二"),
        leader=UserFactory(role=roles.LEADING_GROUP),
        expert=UserFactory(role=roles.EXPERT),
        finance=UserFactory(role=roles.FINANCE),
        editor=UserFactory(role=roles.EDITOR),
    )
    people.all = [v for v in vars(people).values() if isinstance(v, get_user_model())]
    return people


def entry_of(cast, status, **kwargs):
    """An entry of unit 甲 in `status`; the accounts its records needed are switched off afterwards, and
    what setting it up told anyone is forgotten, so each test counts only what its own action causes."""
    entry = EntryFactory(status=status, person=PersonFactory(unit=cast.a), **kwargs)
    get_user_model().objects.exclude(pk__in=[u.pk for u in cast.all]).update(is_active=False)
    start_quiet()
    return Entry.objects.get(pk=entry.pk)


def addresses(*users) -> set[str]:
    return {u.email for u in users}


def test_each_move_tells_its_own_unit_and_the_roles_the_move_names(cast, smtp):
    reported = entry_of(cast, S.UNIT_PUBLICITY)
    perform(reported, "submit", cast.rec_a)
    run_worker()
    # A new submission: the office; the unit that sent it is not told of its own move.
    assert smtp.received.recipients() == addresses(cast.o1, cast.o2)
    mail = smtp.received.to(cast.o1.email)[0]
    assert mail["subject"] == f"【市中首席技师】{reported.person.name}的申报：上报区选拔管理工作办公室"
    assert "依据第九条第二项" in mail["body"] and "办理人：甲经办" in mail["body"]
    assert f"http://127.0.0.1:8000/admin/snippets/roster/entry/inspect/{reported.pk}/" in mail["body"]

    smtp.received.messages.clear()
    perform(Entry.objects.get(pk=reported.pk), "pass_qualification", cast.o1)
    run_worker()
    assert smtp.received.recipients() == addresses(cast.rec_a)  # not 乙单位's recommender, not the office

    smtp.received.messages.clear()
    inspected = entry_of(cast, S.INSPECTION)
    perform(inspected, "submit_to_leading_group", cast.o2)
    run_worker()
    assert smtp.received.recipients() == addresses(cast.leader, cast.rec_a)
    # The inbox holds the same messages, each for its recipient only.
    assert set(Notification.objects.values_list("recipient", flat=True)) == {cast.leader.pk, cast.rec_a.pk}
    assert Notification.objects.get(recipient=cast.leader).event == Event.LIST_SUBMITTED


def test_an_objection_tells_the_office_and_the_entrys_own_unit_only(cast, smtp):
    entry = entry_of(cast, S.DISTRICT_PUBLICITY)
    objection = ObjectionFactory(entry=entry, window="district", submitter_contact="13912345678")
    run_worker()
    assert smtp.received.recipients() == addresses(cast.o1, cast.o2, cast.rec_a)
    for mail in smtp.received.messages:
        assert objection.reference in mail["subject"]
        assert "13912345678" not in mail["body"] and "张三" not in mail["body"]
    assert f"/admin/roster/objections/{objection.pk}/" in smtp.received.to(cast.o1.email)[0]["body"]


def test_a_move_commits_while_the_mail_server_is_down_and_its_mail_goes_out_when_it_is_back(cast, smtp, client):
    entry = entry_of(cast, S.UNIT_PUBLICITY)
    smtp.stop()
    perform(entry, "submit", cast.rec_a)
    assert Entry.objects.get(pk=entry.pk).status == S.SUBMITTED
    run_worker()
    waiting = OutgoingMail.objects.filter(to=[cast.o1.email]).get()
    assert waiting.state == OutgoingMail.State.RETRYING and waiting.attempts == 1
    assert "Connection" in waiting.last_error or "refused" in waiting.last_error.lower()
    # The office sees the failure and when the next attempt is due.
    client.force_login(cast.o2)
    log = client.get(reverse("roster_mail_log") + "?state=retrying").content.decode()
    assert "发送失败，等待重试" in log and waiting.subject in log

    smtp.start()
    run_worker()  # the retry is not due yet: nothing is sent early
    assert smtp.received.messages == []
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        run_worker()
    assert smtp.received.recipients() == addresses(cast.o1, cast.o2)
    waiting.refresh_from_db()
    assert waiting.state == OutgoingMail.State.SENT and waiting.attempts == 2


def test_a_mail_that_keeps_failing_stops_retrying_and_the_office_sends_it_again(cast, smtp, client):
    entry = entry_of(cast, S.UNIT_PUBLICITY)
    smtp.stop()
    perform(entry, "submit", cast.rec_a)
    moment = timezone.now()
    for hours in (0, 1, 2, 4, 8, 24):
        with time_machine.travel(moment + datetime.timedelta(hours=hours, minutes=1), tick=False):
            run_worker()
    failed = OutgoingMail.objects.get(to=[cast.o1.email])
    assert failed.state == OutgoingMail.State.FAILED and failed.attempts == 6
    smtp.start()
    client.force_login(cast.o2)
    response = client.post(reverse("roster_mail_resend", args=(failed.pk,)), follow=True)
    assert "已重新安排发送" in response.content.decode()
    run_worker()
    failed.refresh_from_db()
    assert failed.state == OutgoingMail.State.SENT
    assert smtp.received.to(cast.o1.email)
    # Only the office sees the record of mail.
    client.force_login(cast.rec_a)
    refused = client.get(reverse("roster_mail_log"))
    assert refused.status_code in (302, 403) and failed.subject not in refused.content.decode()


@pytest.fixture
def review_round(cast):
    """An entry qualified in a round whose review closes on Thursday 26 November 2026 (today is Tuesday)."""
    entry = EntryFactory(status=S.QUALIFIED, person=PersonFactory(unit=cast.a))
    get_user_model().objects.exclude(pk__in=[u.pk for u in cast.all]).update(is_active=False)
    start_quiet()
    round_ = entry.round
    round_.review_deadline = datetime.date(2026, 11, 26)
    round_.save()
    round_.experts.add(cast.expert)
    return round_


def test_an_expert_is_told_of_the_assignment_once(cast, review_round, smtp):
    run_worker()
    assert smtp.received.recipients() == addresses(cast.expert)
    assert "评审截止日期2026-11-26" in smtp.received.messages[0]["body"]
    review_round.experts.remove(cast.expert)
    review_round.experts.add(cast.expert)
    run_worker()
    assert len(smtp.received.messages) == 1


def test_running_the_scheduler_again_sends_each_reminder_once(cast, review_round, smtp):
    start_quiet()
    out = []
    for _ in range(2):
        call_command("roster_scheduler", "--now", "reminders", stdout=SimpleNamespace(write=out.append))
    assert any("已排队" in line for line in out) and any("跳过" in line for line in out)
    run_worker()
    # A later slot (the next day's run, or a rerun by hand) finds the reminder given already.
    ScheduledRun.objects.all().delete()
    call_command("roster_scheduler", "--now", "reminders", stdout=SimpleNamespace(write=out.append))
    run_worker()
    to_expert = smtp.received.to(cast.expert.email)
    assert len(to_expert) == 1, to_expert
    assert to_expert[0]["subject"] == "【市中首席技师】2024年度评审将于2026-11-26截止：尚有1份申报未评分"
    assert set(Notification.objects.filter(event=Event.REVIEW_DUE).values_list("recipient", flat=True)) == {
        cast.expert.pk
    }
    # From November the office is reminded that next year's calendar is missing: once each, too.
    for user in (cast.o1, cast.o2):
        assert [m["subject"] for m in smtp.received.to(user.email)] == ["【市中首席技师】2027年工作日历尚未录入"]

    # Once overdue, one more reminder, again only once.
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, tzinfo=datetime.UTC), tick=False):
        for _ in range(2):
            ScheduledRun.objects.all().delete()
            call_command("roster_scheduler", "--now", "reminders", stdout=SimpleNamespace(write=out.append))
            run_worker()
    subjects = [m["subject"] for m in smtp.received.to(cast.expert.email)]
    assert subjects[1:] == ["【市中首席技师】2024年度评审已逾期：尚有1份申报未评分"]


def test_two_schedulers_claim_each_slot_once(cast):
    start_quiet()
    assert enqueue_job("daily", node="节点A") is True
    assert enqueue_job("daily", node="节点B") is False
    assert ScheduledRun.objects.filter(job="daily").count() == 1
    assert DBTaskResult.objects.filter(task_path="roster.reminders.daily_task").count() == 1


def test_the_daily_job_runs_through_the_worker(cast):
    entry = entry_of(cast, S.ACTIVE)
    start_quiet()
    night = datetime.datetime.combine(entry.term_end, datetime.time(2)).astimezone()
    with time_machine.travel(night - datetime.timedelta(days=40), tick=False):
        digest_task.enqueue()
        run_worker()
    old, recent = (
        OutgoingMail.objects.create(
            from_email="noreply@example.cn", to=["a@example.cn"], subject=subject, body="正文", state="sent", sent_at=at
        )
        for subject, at in (
            ("旧邮件", night - datetime.timedelta(days=100)),
            ("近期邮件", night - datetime.timedelta(days=10)),
        )
    )
    with time_machine.travel(night, tick=False):
        call_command("roster_scheduler", "--now", "daily", stdout=SimpleNamespace(write=lambda s: None))
        run_worker()
    assert Entry.objects.get(pk=entry.pk).status == S.TERM_ENDED
    # The daily job also clears finished tasks older than 30 days.
    assert not DBTaskResult.objects.filter(task_path="roster.reminders.digest_task").exists()
    assert DBTaskResult.objects.filter(task_path="roster.reminders.daily_task", status="SUCCESSFUL").exists()
    # And the record of mail delivered over 90 days ago.
    assert list(OutgoingMail.objects.filter(pk__in=[old.pk, recent.pk]).values_list("subject", flat=True)) == [
        "近期邮件"
    ]
    # The office is told by the unit's side only: the term's end is the unit's entry moving.
    assert Notification.objects.filter(recipient=cast.rec_a, event=Event.ENTRY_MOVED).count() == 1


def test_a_user_who_chose_the_digest_gets_one_mail_a_day(cast, smtp):
    NotificationPreference.objects.create(user=cast.o1, event=Event.SUBMITTED, delivery=Delivery.DIGEST)
    first, second = entry_of(cast, S.UNIT_PUBLICITY), entry_of(cast, S.UNIT_PUBLICITY)
    perform(first, "submit", cast.rec_a)
    perform(second, "submit", cast.rec_a)
    run_worker()
    assert smtp.received.to(cast.o1.email) == [] and len(smtp.received.to(cast.o2.email)) == 2
    call_command("roster_scheduler", "--now", "digest", stdout=SimpleNamespace(write=lambda s: None))
    run_worker()
    digest = smtp.received.to(cast.o1.email)
    assert len(digest) == 1 and digest[0]["subject"] == "【市中首席技师】每日提醒摘要（2条）"
    assert first.person.name in digest[0]["body"] and second.person.name in digest[0]["body"]
    ScheduledRun.objects.all().delete()
    call_command("roster_scheduler", "--now", "digest", stdout=SimpleNamespace(write=lambda s: None))
    run_worker()
    assert len(smtp.received.to(cast.o1.email)) == 1


def test_sms_goes_through_the_adapter_with_the_number_masked_in_the_log(cast, caplog):
    StaffProfile.objects.create(user=cast.o1, mobile="13800001234")
    NotificationPreference.objects.create(user=cast.o1, event=Event.SUBMITTED, delivery=Delivery.SMS)
    entry = entry_of(cast, S.UNIT_PUBLICITY)
    with caplog.at_level(logging.INFO, logger="roster.sms"):
        perform(entry, "submit", cast.rec_a)
        run_worker()
    lines = [r.getMessage() for r in caplog.records if r.name == "roster.sms"]
    assert lines == [
        f"SMS to 138****1234: 【市中首席技师】{entry.person.name}的申报：上报区选拔管理工作办公室。详见管理后台消息。"
    ]
    assert not OutgoingMail.objects.filter(to=[cast.o1.email]).exists()


def test_allowance_runs_tell_the_second_office_user_then_finance(cast, smtp):
    paid = entry_of(cast, S.GOVERNMENT_REVIEW, round=RoundFactory(year=2021))
    perform(paid, "certify", cast.o1, announcement_date=datetime.date(2022, 3, 10))
    start_quiet()
    run = compute_run(2023, cast.o1)
    run_worker()
    assert smtp.received.recipients() == addresses(cast.o2)
    assert smtp.received.messages[0]["subject"] == "【市中首席技师】2023年度津贴已计算，待您审核批准"
    smtp.received.messages.clear()
    approve_run(run, cast.o2)
    run_worker()
    assert smtp.received.recipients() == addresses(cast.finance, cast.o1)


def test_no_message_carries_a_personal_number(cast, smtp):
    entry = entry_of(cast, S.SUBMITTED)
    person = entry.person
    perform(
        entry,
        "return_for_correction",
        cast.o1,
        comment=f"身份证号{person.id_number}与证书不符，请联系{person.phone}核对",
    )
    run_worker()
    texts = [m["subject"] + m["body"] for m in smtp.received.messages]
    texts += [n.title + n.body for n in Notification.objects.all()]
    assert texts and smtp.received.recipients() == addresses(cast.rec_a)
    for text in texts:
        for number in (person.id_number, person.phone, person.bank_account, person.id_number[6:14]):
            assert number not in text
    assert "号码已隐去" in texts[0]


def test_the_inbox_counts_unread_messages_and_leads_to_the_record(cast, client):
    entry = entry_of(cast, S.UNIT_PUBLICITY)
    perform(entry, "submit", cast.rec_a)
    client.force_login(cast.o1)
    from roster.menus import InboxMenuItem
    from roster.views.inbox import unread_count

    assert unread_count(cast.o1) == 1
    request = SimpleNamespace(user=cast.o1)
    assert InboxMenuItem("消息", "/admin/roster/inbox/").render_component(request).label == "消息（1条未读）"
    page = client.get(reverse("roster_inbox")).content.decode()
    assert "未读消息 <strong>1</strong> 条" in page and f"{entry.person.name}的申报" in page
    notification = Notification.objects.get(recipient=cast.o1)
    response = client.get(reverse("roster_inbox_open", args=(notification.pk,)))
    assert response.status_code == 302 and response["Location"] == f"/admin/snippets/roster/entry/inspect/{entry.pk}/"
    assert unread_count(cast.o1) == 0
    # Another user's message is not there to open.
    other = Notification.objects.get(recipient=cast.o2)
    assert client.get(reverse("roster_inbox_open", args=(other.pk,))).status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None
    client.post(reverse("roster_inbox_read_all"))
    assert unread_count(cast.o2) == 1


def test_each_user_chooses_the_delivery_of_the_kinds_that_concern_its_role(cast, client):
    client.force_login(cast.expert)
    page = client.get(reverse("roster_inbox_settings")).content.decode()
    assert Event.REVIEW_DUE.label in page and Event.EXPERT_ASSIGNED.label in page
    assert 'name="submitted"' not in page  # an office kind of message
    assert 'value="sms"' not in page  # no mobile number on record
    response = client.post(reverse("roster_inbox_settings"), {"review_due": "sms", "expert_assigned": "digest"})
    assert "选择一个有效的选项" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=cast.expert).exists()
    client.post(reverse("roster_inbox_settings"), {"review_due": "digest", "expert_assigned": "inbox"})
    assert dict(NotificationPreference.objects.filter(user=cast.expert).values_list("event", "delivery")) == {
        "review_due": "digest",
        "expert_assigned": "inbox",
    }


def test_wagtails_moderation_notice_reaches_the_office_through_the_queue(cast, demo_site, smtp, client):
    from tests.test_moderation import _call_form

    start_quiet()
    client.force_login(cast.editor)
    url = reverse("wagtailadmin_pages:add", args=("home", "callnoticepage", demo_site["index"].pk))
    response = client.post(url, _call_form("送审的申报通知", "moderated", "action-submit", demo_site["call"].round_id))
    assert response.status_code == 302
    assert smtp.received.messages == []  # nothing is sent inside the request
    run_worker()
    to_office = smtp.received.to(cast.o1.email)
    assert to_office and "送审的申报通知" in to_office[0]["subject"]
    assert cast.rec_a.email not in smtp.received.recipients()


def test_a_mail_whose_task_was_lost_is_sent_by_the_sweep_once(cast, smtp):
    """A crash between the commit and the enqueue leaves a stored mail with no task: the scheduler's
    sweep enqueues it again, once, however many sweeps run before the worker does."""
    lost = OutgoingMail.objects.create(
        from_email="noreply@example.cn", to=[cast.o1.email], subject="滞留的邮件", body="测试正文"
    )
    assert not DBTaskResult.objects.exists()
    later = timezone.now() + datetime.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        # Two sweeps before any worker has run: one delivery task.
        assert requeue_stalled() == 1 and requeue_stalled() == 0
    assert DBTaskResult.objects.filter(task_path="roster.mail.deliver_mail").count() == 1
    with time_machine.travel(later + datetime.timedelta(minutes=15), tick=False):
        run_worker()
        # The scheduled sweep, through the worker, finds nothing left to send.
        call_command("roster_scheduler", "--now", "mail_sweep", stdout=SimpleNamespace(write=lambda s: None))
        run_worker()
    assert [m["subject"] for m in smtp.received.messages] == ["滞留的邮件"]
    lost.refresh_from_db()
    assert lost.state == OutgoingMail.State.SENT
    assert DBTaskResult.objects.filter(task_path="roster.reminders.mail_sweep_task", status="SUCCESSFUL").exists()


def test_a_batch_tells_each_user_once_listing_the_entries(cast, smtp, client):
    first = entry_of(cast, S.LEADING_GROUP_REVIEW)
    second = entry_of(cast, S.LEADING_GROUP_REVIEW, round=first.round)
    client.force_login(cast.leader)
    client.post(
        reverse("roster_batch", args=("submit_to_government",)),
        {"entries": [first.pk, second.pk], "comment": "", "minute_number": "区人才办纪要〔2026〕5号"},
    )
    assert Entry.objects.filter(status=S.GOVERNMENT_REVIEW).count() == 2
    run_worker()
    for user in (cast.o1, cast.o2, cast.rec_a):
        mails = smtp.received.to(user.email)
        assert [m["subject"] for m in mails] == ["【市中首席技师】2份申报已批量办理：研究通过，报区政府同意"]
        assert first.person.name in mails[0]["body"] and second.person.name in mails[0]["body"]
    assert smtp.received.recipients() == addresses(cast.o1, cast.o2, cast.rec_a)


def test_a_revocation_proposed_tells_the_office_that_must_decide_it(cast, smtp):
    titled = entry_of(cast, S.ACTIVE)
    perform(
        titled, "propose_revocation", cast.o1, comment="受到刑事处罚", ground=3, fact_date=datetime.date(2026, 10, 1)
    )
    run_worker()
    # The proposer is not told of its own proposal; the second office user, who decides it, is.
    assert smtp.received.recipients() == addresses(cast.o2, cast.rec_a)
    assert Notification.objects.get(recipient=cast.o2).event == Event.REVOCATION
    assert "依据第十五条" in smtp.received.to(cast.o2.email)[0]["body"]


def test_windows_and_terms_ending_are_reminded_to_those_who_act_on_them(cast, smtp):
    window = entry_of(cast, S.UNIT_PUBLICITY, unit_publicity_start=datetime.date(2026, 11, 20))
    term = entry_of(cast, S.ACTIVE, term_end=datetime.date(2027, 1, 20))
    call_command("roster_scheduler", "--now", "reminders", stdout=SimpleNamespace(write=lambda s: None))
    run_worker()
    told = {(n.recipient_id, n.event) for n in Notification.objects.exclude(event=Event.CALENDAR_MISSING)}
    assert told == {
        (cast.rec_a.pk, Event.WINDOW_ENDING),
        (cast.o1.pk, Event.WINDOW_ENDING),
        (cast.o2.pk, Event.WINDOW_ENDING),
        (cast.o1.pk, Event.TERM_ENDING),
        (cast.o2.pk, Event.TERM_ENDING),
    }
    to_unit = smtp.received.to(cast.rec_a.email)
    assert [m["subject"] for m in to_unit] == [f"【市中首席技师】{window.person.name}的单位公示即将期满"]
    assert "至2026-11-26" in to_unit[0]["body"]
    term_mail = next(m for m in smtp.received.to(cast.o1.email) if term.person.name in m["subject"])
    assert term_mail["subject"] == f"【市中首席技师】{term.person.name}的管理期将于2027-01-20届满"
    assert cast.rec_b.email not in smtp.received.recipients()
