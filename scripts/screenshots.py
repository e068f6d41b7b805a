"""Screenshots of the main public pages and of each staff role's main screens into docs/screenshots/
(`make screenshots`).

Builds the demo site in a temporary database, serves it with `manage.py runserver` on 127.0.0.1 and takes
the pictures with Playwright driving Debian's Chromium (scripts/ensure_browser.sh). The project's own
database and media are not touched.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from chromium import CHROMIUM, CHROMIUM_ARGS  # scripts/chromium.py, shared with the browser tests

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}

# (file name, path, viewport): the public page types.
PUBLIC = [
    ("home", "/", VIEWPORT),
    ("policy", "/policy-2020-33/#art-15", VIEWPORT),
    ("notices", "/notices/", VIEWPORT),
    ("call", "/notices/call-2024/", VIEWPORT),
    ("publicity", "/notices/publicity-2024/", VIEWPORT),
    ("objection", "/notices/publicity-2024/objection/", VIEWPORT),
    ("results", "/notices/results-2024/", VIEWPORT),
    ("roster", "/chief-technicians/", VIEWPORT),
    ("profile", "/chief-technicians/{profile}/", VIEWPORT),
    ("profile-phone", "/chief-technicians/{profile}/", PHONE),
    ("verify", "/chief-technicians/verify/?number=SZSX-2024-001", VIEWPORT),
    ("search", "/search/?q=津贴", VIEWPORT),
    ("home-phone", "/", PHONE),
]
# The entry admin page of this demo person (in the district 公示), seen by the office.
ADMIN_ENTRY_PERSON = "王春梅"
# Each role's main screens (issue 15), at 1366 px and at 390 px; {ids} come from IDS below.
ROLE_SHOTS = {
    "office": [
        ("admin-office-dashboard", "/admin/"),
        ("admin-entry-list", "/admin/snippets/roster/entry/?status=district_publicity"),
        ("admin-entry", "/admin/snippets/roster/entry/inspect/{entry}/"),
        ("admin-application", "/admin/roster/entries/{entry}/application-form/"),
        ("admin-round-overview", "/admin/roster/rounds/{round}/"),
        ("admin-batch", "/admin/roster/batch/pass_qualification/"),
        ("admin-objections", "/admin/roster/objections/?status="),
        ("admin-accounts", "/admin/users/new/"),
        ("admin-inbox", "/admin/roster/inbox/"),
        ("admin-inbox-settings", "/admin/roster/inbox/settings/"),
        ("admin-mail-log", "/admin/roster/mail/"),
    ],
    "recommender": [
        ("admin-recommender-dashboard", "/admin/"),
        ("admin-recommender-list", "/admin/snippets/roster/entry/"),
    ],
    "expert": [
        ("admin-expert-dashboard", "/admin/"),
        ("admin-expert-scoring", "/admin/snippets/roster/entry/inspect/{scoring}/"),
    ],
    "leader": [
        ("admin-leader-dashboard", "/admin/"),
        ("admin-leader-batch", "/admin/roster/batch/submit_to_government/"),
    ],
    "finance": [
        ("admin-finance-allowance", "/admin/roster/allowance/"),
        ("admin-finance-sheet", "/admin/roster/allowance/{year}/"),
    ],
    "editor": [("admin-editor-pages", "/admin/pages/")],
}
IDS = (
    "from roster.models import AllowanceRun, Entry, Round\n"
    "print('year=%s' % AllowanceRun.objects.filter(state='approved').order_by('-year').first().year)\n"
    f"print('entry=%s' % Entry.objects.get(person__name={ADMIN_ENTRY_PERSON!r}).pk)\n"
    "print('round=%s' % Round.objects.order_by('-year').first().pk)\n"
    "print('profile=%s' % Entry.objects.get(certificate_number='SZSX-2024-001').pk)\n"
    "e = Entry.objects.filter(status='qualified', round__experts__username='expert').first()\n"
    "print('scoring=%s' % (e.pk if e else None))"
)


def sign_in(page, username, password, totp) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/admin/2fa/verify/" in url)
    page.fill("input[name=code]", f"{totp.token():06d}")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/admin/2fa/" not in url)


def shrink(path: Path) -> None:
    """A 256-colour palette keeps the text sharp and the PNG small (Pillow comes with Wagtail)."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: run scripts/ensure_browser.sh", file=sys.stderr)
        return 1
    from django_otp.oath import TOTP
    from playwright.sync_api import sync_playwright

    password = secrets.token_urlsafe(12)
    TOTP_KEY = secrets.token_hex(20)  # noqa: N806 - a constant of this run
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as tmp:
        env = {
            **os.environ,
            # Test settings: files in a temporary folder, static files served by WhiteNoise from the finders.
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
        }
        manage(env, "migrate", "--noinput", stdout=subprocess.DEVNULL)
        manage(env, "load_demo", stdout=subprocess.DEVNULL)
        # Each demo role signs in with this run's password and authenticator key (roster/twofactor.py).
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model as g; "
            "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
            f"for name in {list(ROLE_SHOTS)!r}:\n"
            "    u = g().objects.get(username=name)\n"
            f"    u.set_password({password!r}); u.save()\n"
            f"    TOTPDevice.objects.create(user=u, name='截图', key={TOTP_KEY!r}, confirmed=True)",
        )
        ids = dict(
            line.split("=", 1)
            for line in manage(env, "shell", "-c", IDS, capture_output=True, text=True).stdout.split()
            if "=" in line
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(base + "/")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                for name, path, viewport in PUBLIC:
                    context = browser.new_context(base_url=base, viewport=viewport, locale="zh-CN")
                    page = context.new_page()
                    page.goto(path.format(**ids))
                    page.screenshot(path=str(out / f"{name}.png"), full_page=False)
                    shrink(out / f"{name}.png")
                    context.close()
                    print(f"{name}.png")
                for username, shots in ROLE_SHOTS.items():
                    # One sign-in per role (a code is accepted once): the same session at both widths.
                    context = browser.new_context(
                        base_url=base, viewport={"width": 1366, "height": 900}, locale="zh-CN"
                    )
                    page = context.new_page()
                    sign_in(page, username, password, TOTP(bytes.fromhex(TOTP_KEY)))
                    for width in (1366, 390):
                        page.set_viewport_size({"width": width, "height": 900})
                        for name, path in shots:
                            path = path.format(**ids)
                            if "{" in path or "None" in path:
                                continue
                            page.goto(path)
                            file = out / f"{name}{'' if width == 1366 else '-phone'}.png"
                            page.screenshot(path=str(file), full_page=False)
                            shrink(file)
                            print(file.name)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
