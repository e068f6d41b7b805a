import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from home.demo import load_demo_content


class Command(BaseCommand):
    help = "加载演示站点（可重复运行）：首页、政策文件、2024年度演示通知公告，并在首次运行时创建管理员账号。"

    def handle(self, *args, **options):
        load_demo_content()
        call_command("import_policy", stdout=self.stdout)
        call_command("update_index", verbosity=0)
        self.create_admin()

    def create_admin(self):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write(
                "管理员账号 admin 已存在（如忘记密码：.venv/bin/python manage.py changepassword admin）。"
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.cn", password)
        bar = "=" * 60
        self.stdout.write(
            f"{bar}\n管理后台： http://127.0.0.1:8000/admin/\n用户名：admin\n密码：{password}\n"
            f"（密码只显示这一次，请妥善保存）\n{bar}"
        )
