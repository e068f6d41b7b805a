"""Outgoing mail kept in the database and sent by a background task (Django's Tasks API).

`QueuedEmailBackend` is the site's EMAIL_BACKEND: every message (the portal's notices, Wagtail's
moderation mails, password resets) becomes an `OutgoingMail` row in the caller's transaction, and
`deliver_mail` is enqueued once that transaction commits. A move therefore commits whether or not the
mail server answers; the task retries a failed send with growing delays, and the office sees each
attempt on the 邮件发送记录 page.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# Delays before the 2nd, 3rd … attempt; after the last one the mail stays 发送失败 until resent by hand.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            if getattr(message, "attachments", None):
                # No portal mail carries files; refusing keeps private files out of the queue.
                raise ValueError("邮件队列不发送附件。")
            mail = OutgoingMail.objects.create(
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                reply_to=list(message.reply_to),
                subject=str(message.subject),
                body=str(message.body),
                html=next(
                    (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                    "",
                ),
            )
            schedule(mail)
            count += 1
        return count


def schedule(mail: OutgoingMail, run_after: datetime.datetime | None = None) -> None:
    """Enqueues the delivery once the current transaction has committed (at once outside one)."""
    mail_id = mail.pk

    def enqueue():
        task_ = deliver_mail.using(run_after=run_after) if run_after else deliver_mail
        task_.enqueue(mail_id)

    transaction.on_commit(enqueue)


@task(backend="portal", queue_name="portal")
def deliver_mail(mail_id: int) -> str:
    """Sends one stored mail through MAIL_DELIVERY_BACKEND; on failure records why and tries again later."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.state == OutgoingMail.State.SENT:
            return "nothing to send"
        mail.attempts += 1
        mail.last_attempt_at = timezone.now()
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body,
            from_email=mail.from_email,
            to=mail.to,
            cc=mail.cc,
            bcc=mail.bcc,
            reply_to=mail.reply_to,
            connection=get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False),
        )
        if mail.html:
            message.attach_alternative(mail.html, "text/html")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any failure of the server or the network is retried
            mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if mail.attempts <= len(RETRY_DELAYS):
                mail.state = OutgoingMail.State.RETRYING
                mail.next_attempt_at = timezone.now() + RETRY_DELAYS[mail.attempts - 1]
                schedule(mail, mail.next_attempt_at)
            else:
                mail.state = OutgoingMail.State.FAILED
                mail.next_attempt_at = None
            mail.save()
            logger.warning("mail %s: attempt %s failed (%s)", mail.pk, mail.attempts, type(exc).__name__)
            return "failed"
        mail.state = OutgoingMail.State.SENT
        mail.sent_at = timezone.now()
        mail.next_attempt_at = None
        mail.last_error = ""
        mail.save()
    logger.info("mail %s sent after %s attempt(s)", mail.pk, mail.attempts)
    return "sent"


def resend(mail: OutgoingMail) -> None:
    """The office sends a failed mail again: a fresh series of attempts, at once."""
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=OutgoingMail.State.PENDING, attempts=0, next_attempt_at=None, last_error=""
    )
    schedule(mail)


def requeue_stalled(now: datetime.datetime | None = None) -> int:
    """Scheduler safety net: a mail left waiting with no task to send it (lost, say, in a crash between
    the commit and the enqueue) is enqueued again. A mail already sent is skipped by the task, so this
    never sends twice."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    queued = {
        row["args"][0]
        for row in DBTaskResult.objects.filter(
            task_path=deliver_mail.module_path, status__in=["READY", "RUNNING"]
        ).values_list("args_kwargs", flat=True)
        if row.get("args")
    }
    stalled = (
        OutgoingMail.objects.filter(
            state__in=[OutgoingMail.State.PENDING, OutgoingMail.State.RETRYING],
            created_at__lt=now - datetime.timedelta(minutes=10),
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(pk__in=queued)
    )
    count = 0
    for mail in stalled:
        schedule(mail)
        count += 1
    return count
