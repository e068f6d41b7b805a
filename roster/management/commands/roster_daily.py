"""Daily job (cron-friendly, idempotent): ends the terms that are due (Art 4)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils import timezone

from roster.models import SYSTEM_USERNAME, Entry
from roster.pseudonymise import pseudonymise_due
from roster.services import perform
from workflow import roles
from workflow.errors import TransitionRefused
from workflow.states import Status


def system_user():
    """The account the daily job acts as: an office member that cannot log in."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "每日任务", "last_name": "系统"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=roles.OFFICE))
    return user


class Command(BaseCommand):
    help = "每日任务：管理期届满的首席技师转为“管理期满待评估”（第四条）；超过保存期限的个人信息去标识化。可重复运行。"

    def handle(self, *args, **options):
        today = timezone.localdate()
        due = Entry.objects.filter(status__in=[Status.ACTIVE, Status.BENEFITS_STOPPED], term_end__lte=today)
        user = system_user()
        ended = refused = 0
        for entry in due.select_related("round__rule_set", "person", "unit"):
            try:
                perform(entry, "end_term", user, comment="管理期届满（每日任务）")
            except TransitionRefused as exc:
                refused += 1
                self.stderr.write(f"未能结束 {entry.certificate_number} 的管理期：{exc}")
            else:
                ended += 1
                self.stdout.write(f"管理期届满：{entry.certificate_number}（{entry.term_end:%Y-%m-%d}）")
        self.stdout.write(f"{today:%Y-%m-%d}：结束管理期 {ended} 人，未能处理 {refused} 人。")
        count = pseudonymise_due(today)
        self.stdout.write(
            f"个人信息去标识化 {count} 人（最后一条记录结束超过 {settings.PERSONAL_DATA_RETENTION_YEARS} 年）。"
        )
