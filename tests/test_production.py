import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def test_check_deploy_reports_nothing():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "k" * 10 + "9f3b2c7d1e8a6f5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0",
        "DJANGO_ALLOWED_HOSTS": "shouxi.example.cn",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_content_security_policy_on_public_and_admin_pages(client, demo_site):
    for url in ("/", demo_site["policy"].url):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-eval" not in policy
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    admin = client.get("/admin/")
    assert admin.status_code == 200 and "script-src 'self' 'unsafe-inline'" in admin["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/")["Content-Security-Policy"].split("script-src")[1].split(";")[0]


@pytest.mark.django_db
def test_sixth_wrong_password_is_refused(client):
    user = UserFactory(username="office1", password="correct-horse-battery")
    login = reverse("wagtailadmin_login")
    for _ in range(5):
        response = client.post(login, {"username": "office1", "password": "wrong"})
        assert not response.wsgi_request.user.is_authenticated
    locked = client.post(login, {"username": "office1", "password": "correct-horse-battery"})
    assert locked.status_code in (403, 429)
    assert "登录已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # a lockout concerns that user name from that address only
    other = client.post(login, {"username": user.username + "x", "password": "wrong"})
    assert other.status_code == 200
