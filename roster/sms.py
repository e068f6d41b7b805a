"""SMS through an adapter (settings.SMS_BACKEND), sent by a background task.

No SMS provider is reachable from this network, so the default adapter only writes a log line (with
the number masked). A provider's adapter is a class with `send(number, text)` that raises on failure;
see README "短信".
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

from .idnumber import mask_phone
from .models import StaffProfile

logger = logging.getLogger(__name__)


class LoggingBackend:
    def send(self, number: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(number), text)


def number_of(user) -> str:
    return StaffProfile.objects.filter(user=user).values_list("mobile", flat=True).first() or ""


def send_later(user, text: str) -> None:
    user_pk = user.pk
    transaction.on_commit(lambda: send_sms.enqueue(user_pk, text))


@task(backend="portal", queue_name="portal")
def send_sms(user_pk: int, text: str) -> str:
    user = get_user_model().objects.filter(pk=user_pk).first()
    number = number_of(user) if user else ""
    if not number:
        return "no number"
    import_string(settings.SMS_BACKEND)().send(number, text)
    return "sent"
