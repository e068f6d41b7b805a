import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from home.demo import load_demo_content
from roster.demo import STAFF, load_demo_roster


class Command(BaseCommand):
    help = (
        "加载演示站点（可重复运行）：首页、政策文件、2024年度演示批次与通知公告，首次运行时创建管理员和各角色演示账号。"
    )

    def handle(self, *args, **options):
        User = get_user_model()
        first_run = not User.objects.filter(username="admin").exists()
        password = secrets.token_urlsafe(12) if first_run else None
        round_ = load_demo_roster(password)
        pages = load_demo_content(round_)
        call_command("import_policy", stdout=self.stdout)
        # The demo's entries in district publicity follow the live notice's window.
        round_.entries.filter(status="district_publicity").update(
            district_publicity_start=pages["publicity"].window_first_day()
        )
        call_command("update_index", verbosity=0)
        if first_run:
            User.objects.create_superuser("admin", "admin@example.cn", password)
            bar = "=" * 60
            staff = "、".join(f"{name}（{role}）" for name, role, _, _ in STAFF)
            self.stdout.write(
                f"{bar}\n管理后台： http://127.0.0.1:8000/admin/\n用户名：admin\n密码：{password}\n"
                f"各角色演示账号（密码同上）：{staff}\n（密码只显示这一次，请妥善保存）\n{bar}"
            )
        else:
            self.stdout.write(
                "管理员账号 admin 已存在（如忘记密码：.venv/bin/python manage.py changepassword admin）。"
            )
