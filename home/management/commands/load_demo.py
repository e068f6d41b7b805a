import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from home.demo import load_demo_site, publish_round_notices
from home.models import PolicyPage
from home.policy_import import import_policy
from roster import notify
from roster.demo import REVISION_NUMBER, REVISION_SOURCE, RULES_2020, STAFF, load_demo_roster
from roster.reminders import send_reminders
from roster.seeding import at

# The demo revision was published a week before it took effect.
REVISION_PUBLISHED = datetime.date(2025, 12, 24)


class Command(BaseCommand):
    help = (
        "加载演示站点（可重复运行）：首页、政策文件（2020年办法及其演示修订稿）、截至今天已开始的各评选批次"
        "及其通知公告，首次运行时创建管理员和各角色演示账号。"
    )

    def handle(self, *args, **options):
        User = get_user_model()
        first_run = not User.objects.filter(username="admin").exists()
        password = secrets.token_urlsafe(12) if first_run else None
        with transaction.atomic(), notify.quietly():
            pages = load_demo_site()
            call_command("import_policy", stdout=self.stdout)
            policy_2020 = PolicyPage.objects.get(document_number=RULES_2020)
            self.backdate(policy_2020, policy_2020.publish_date)
            self.import_revision()
            rounds = load_demo_roster(password)
            for demo in rounds:
                plan = demo.plan
                publish_round_notices(
                    pages["index"],
                    demo.round,
                    call_at=at(plan.call, 9),
                    publicity_at=plan.district_notice,
                    publicity_list=demo.reached("start_district_publicity"),
                    results_at=plan.results_at,
                    results_list=demo.reached("certify"),
                    document_number=plan.document_number,
                )
            # What waits for each demo user today, in the inboxes (not mailed).
            with notify.quietly(inbox=True):
                send_reminders()
        call_command("update_index", verbosity=0)
        today = timezone.localdate()
        current = rounds[-1].round if rounds else None
        if current is not None:
            self.stdout.write(
                f"演示数据截至{today:%Y年%m月%d日}：当前评选批次为{current.year}年度（{current.rule_set.name}）。"
            )
        if first_run:
            User.objects.create_superuser("admin", "admin@example.cn", password)
            bar = "=" * 60
            staff = "、".join(f"{name}（{role}）" for name, role, _, _ in STAFF)
            self.stdout.write(
                f"{bar}\n管理后台： http://127.0.0.1:8000/admin/\n用户名：admin\n密码：{password}\n"
                f"各角色演示账号（密码同上）：{staff}\n（密码只显示这一次，请妥善保存）\n"
                f"首次登录时须用手机验证器应用（支持 TOTP，如各类身份验证器）扫码启用双因素认证。\n{bar}"
            )
        else:
            self.stdout.write(
                "管理员账号 admin 已存在（如忘记密码：.venv/bin/python manage.py changepassword admin）。"
            )

    @staticmethod
    def backdate(page, day: datetime.date) -> None:
        """A document imported today went out on its publication date."""
        moment = at(day, 10)
        Page.objects.filter(pk=page.pk, first_published_at__gt=moment).update(
            first_published_at=moment, last_published_at=moment
        )

    def import_revision(self):
        """The demo revision (演示修订稿), published as of the day it went out when that day has come."""
        if (
            timezone.localdate() < REVISION_PUBLISHED
            or PolicyPage.objects.filter(document_number=REVISION_NUMBER).exists()
        ):
            return
        page, _ = import_policy(REVISION_SOURCE, publish_date=REVISION_PUBLISHED)
        self.backdate(page, REVISION_PUBLISHED)
        self.stdout.write(f"已导入演示修订稿《{page.title}》（{page.document_number}）。")
