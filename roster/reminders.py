"""Scheduled work (issue 13): the daily job, the reminders of deadlines and the daily digest, each a
background task the scheduler enqueues at its set time (`manage.py roster_scheduler`).

Each reminder has a key naming what it is about (a round's review deadline, a window's end, a term's
end, a missing calendar year), and Notification allows one message per recipient and key, so running
the reminders again, on the same node or another, tells no one twice.
"""

import datetime
import io

from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from workflow import roles, workdays
from workflow.errors import CalendarUnknown
from workflow.states import Status

from . import dashboard, mail, notify
from .admin_forms import real_name
from .inbox import Delivery, Event, Notification, OutgoingMail, ScheduledRun
from .models import Round

REVIEW_WARNING_WORKDAYS = 3


def claim(job: str, slot: str, node: str = "") -> bool:
    """True for the first scheduler to claim `job` for `slot`; any other (another node, a rerun) gets
    False. The unique row is the lock, held in the shared database."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, slot=slot, node=node[:100])
    except IntegrityError:
        return False
    return True


def review_reminders(today: datetime.date) -> int:
    """Experts with entries still to score: due within 3 working days, or overdue."""
    told = 0
    for round_ in Round.objects.filter(review_deadline__isnull=False, entries__status=Status.QUALIFIED).distinct():
        deadline = round_.review_deadline
        try:
            # Working days left after today, the deadline included.
            left = (
                workdays.working_days_between(today + datetime.timedelta(days=1), deadline) if deadline >= today else -1
            )
        except CalendarUnknown:
            left = (deadline - today).days
        if left > REVIEW_WARNING_WORKDAYS:
            continue
        overdue = deadline < today
        for expert in round_.experts.filter(is_active=True):
            pending = round_.entries.filter(status=Status.QUALIFIED).exclude(expert_scores__expert=expert).count()
            if not pending:
                continue
            if overdue:
                title = f"{round_.year}年度评审已逾期：尚有{pending}份申报未评分"
                body = f"{round_.year}年度评选的专家评审截止日期为{deadline:%Y-%m-%d}，已逾期。您尚有{pending}份申报未评分，请尽快完成。"
            else:
                title = f"{round_.year}年度评审将于{deadline:%Y-%m-%d}截止：尚有{pending}份申报未评分"
                body = f"{round_.year}年度评选的专家评审将于{deadline:%Y-%m-%d}截止（还剩{max(left, 0)}个工作日），您尚有{pending}份申报未评分。"
            key = f"review_{'overdue' if overdue else 'due'}:{round_.pk}:{deadline:%Y%m%d}"
            told += len(
                notify.tell(
                    [expert],
                    Event.REVIEW_DUE,
                    title,
                    body,
                    reverse("wagtailsnippets_roster_entry:list") + "?status=qualified",
                    key=key,
                )
            )
    return told


def window_reminders() -> int:
    told = 0
    for user in notify.members(roles.OFFICE, roles.RECOMMENDER):
        for row in dashboard.windows_ending(user):
            entry = row["entry"]
            end = row["note"]
            told += len(
                notify.tell(
                    [user],
                    Event.WINDOW_ENDING,
                    f"{entry.person.name}的{row['label']}即将期满",
                    f"{entry.person.name}（{entry.unit.name}，{entry.round.year}年度评选）的{row['label']}：{end}。"
                    "期满后请及时办理下一步。",
                    reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,)),
                    key=f"window:{entry.pk}:{entry.status}",
                )
            )
    return told


def term_reminders() -> int:
    told = 0
    for user in notify.members(roles.OFFICE):
        for entry in dashboard.terms_ending(user):
            told += len(
                notify.tell(
                    [user],
                    Event.TERM_ENDING,
                    f"{entry.person.name}的管理期将于{entry.term_end:%Y-%m-%d}届满",
                    f"首席技师{entry.person.name}（证书编号{entry.certificate_number}）的管理期将于"
                    f"{entry.term_end:%Y-%m-%d}届满，届满后由每日任务转为“管理期满待评估”，请准备期满评估（"
                    f"{entry.round.rule_set.cite('第十四条第三项')}）。",
                    reverse("wagtailsnippets_roster_entry:inspect", args=(entry.pk,)),
                    key=f"term:{entry.pk}:{entry.term_end:%Y%m%d}",
                )
            )
    return told


def calendar_reminders(today: datetime.date) -> int:
    year = workdays.missing_next_year(today)
    if year is None:
        return 0
    told = 0
    for user in notify.members(roles.OFFICE):
        text = dashboard.calendar_missing(user)
        if text:
            told += len(
                notify.tell(
                    [user],
                    Event.CALENDAR_MISSING,
                    f"{year}年工作日历尚未录入",
                    text,
                    reverse("wagtailsnippets_workflow_officialcalendaryear:list"),
                    key=f"calendar:{year}",
                )
            )
    return told


def send_reminders() -> int:
    today = timezone.localdate()
    return review_reminders(today) + window_reminders() + term_reminders() + calendar_reminders(today)


def send_digests() -> int:
    """One mail per user with the messages chosen for the daily digest and not yet sent in one."""
    sent = 0
    waiting = Notification.objects.filter(delivery=Delivery.DIGEST, digested_at__isnull=True).select_related(
        "recipient"
    )
    by_user = {}
    for notification in waiting.order_by("created_at"):
        by_user.setdefault(notification.recipient, []).append(notification)
    for user, items in by_user.items():
        with transaction.atomic():
            if user.email and user.is_active:
                lines = [f"{real_name(user)}：", "", f"以下是您的{len(items)}条提醒：", ""]
                for n in items:
                    lines += [f"· {n.created_at.astimezone(timezone.get_current_timezone()):%m-%d %H:%M} {n.title}"]
                    lines += [f"  {notify.absolute(n.url)}" if n.url else ""]
                lines += ["", "（本邮件由市中首席技师管理系统自动发送，请勿直接回复。）"]
                EmailMessage(
                    subject=f"{notify.SUBJECT_PREFIX}每日提醒摘要（{len(items)}条）",
                    body="\n".join(lines),
                    to=[user.email],
                ).send()
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(digested_at=timezone.now())
    return sent


def run_daily() -> str:
    out = io.StringIO()
    call_command("roster_daily", stdout=out, stderr=out)
    # Mail delivered over 90 days ago leaves the record (its message stays in the recipient's inbox).
    gone, _ = OutgoingMail.objects.filter(
        state=OutgoingMail.State.SENT, sent_at__lt=timezone.now() - datetime.timedelta(days=90)
    ).delete()
    out.write(f"删除90天前已发送的邮件记录 {gone} 封。\n")
    # Finished background tasks are kept 30 days (failed ones 90) for the record, then removed.
    call_command(
        "prune_db_task_results",
        "--backend",
        "portal",
        "--queue-name",
        "portal",
        "--min-age-days",
        "30",
        "--failed-min-age-days",
        "90",
        stdout=out,
    )
    return out.getvalue()


@task(backend="portal", queue_name="portal")
def daily_task() -> str:
    return run_daily()


@task(backend="portal", queue_name="portal")
def reminders_task() -> int:
    return send_reminders()


@task(backend="portal", queue_name="portal")
def digest_task() -> int:
    return send_digests()


@task(backend="portal", queue_name="portal")
def mail_sweep_task() -> int:
    return mail.requeue_stalled()


JOBS = {
    # name: (task, cron fields, slot format, description)
    "daily": (daily_task, {"hour": 1, "minute": 10}, "%Y-%m-%d", "每日任务（管理期届满、个人信息去标识化）"),
    "reminders": (reminders_task, {"hour": 8, "minute": 0}, "%Y-%m-%d", "截止提醒"),
    "digest": (digest_task, {"hour": 17, "minute": 30}, "%Y-%m-%d", "每日提醒摘要"),
    "mail_sweep": (mail_sweep_task, {"minute": "*/15"}, "%Y-%m-%dT%H:%M", "重新排队滞留的邮件"),
}


def enqueue_job(name: str, node: str = "", now: datetime.datetime | None = None) -> bool:
    """Claims the job's slot for `now` and enqueues it; False when another scheduler already has."""
    job_task, _cron, slot_format, _label = JOBS[name]
    now = timezone.localtime(now or timezone.now())
    if name == "mail_sweep":
        now = now.replace(minute=now.minute - now.minute % 15)
    if not claim(name, now.strftime(slot_format), node):
        return False
    transaction.on_commit(job_task.enqueue)
    return True
