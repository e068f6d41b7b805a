"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), the portal's task worker run to the end of
its queue, and a clean start for tests that count the mails one action causes."""

import contextlib
import email
import email.policy
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command


class Received:
    """Collects every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(
            {
                "to": set(envelope.rcpt_tos),
                "subject": str(message["subject"]).strip(),
                "body": message.get_body(("plain",)).get_content(),
            }
        )
        return "250 OK"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]

    def recipients(self) -> set[str]:
        return {address for m in self.messages for address in m["to"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    def __init__(self, port: int):
        self.port = port
        self.received = Received()
        self.controller = None

    def start(self):
        self.controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def queued_mail(settings):
    """The site's own mail path: pytest-django swaps in the in-memory outbox, this puts the queue back."""
    settings.EMAIL_BACKEND = "roster.mail.QueuedEmailBackend"


@pytest.fixture
def smtp(settings, queued_mail):
    """A running SMTP server the portal delivers to; `smtp.stop()` takes it down, `smtp.start()` back up."""
    server = SMTPServer(free_port())
    server.start()
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    with contextlib.suppress(Exception):
        server.stop()


def run_worker() -> str:
    """The portal's task worker, as `manage.py db_worker` runs it, until its queue is empty."""
    out = io.StringIO()
    call_command(
        "db_worker",
        "--backend",
        "portal",
        "--queue-name",
        "portal",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


def start_quiet():
    """Forgets the messages, mails and tasks that setting up a test's records caused."""
    from django_tasks_db.models import DBTaskResult

    from roster.inbox import Notification, OutgoingMail

    Notification.objects.all().delete()
    OutgoingMail.objects.all().delete()
    DBTaskResult.objects.all().delete()
