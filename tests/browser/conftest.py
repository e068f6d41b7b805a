"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

No browser is downloaded: Playwright launches /usr/bin/chromium (scripts/ensure_browser.sh installs it
and axe-core). Without Chromium, Playwright or axe-core these tests are skipped, unless
BROWSER_TESTS=required is set (as `make test-browser` does), which turns the skip into a failure.
"""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "pw-test-123"  # tests.factories.UserFactory's password
TIMEOUT_MS = 15_000


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: end-to-end test in Chromium (Playwright); needs scripts/ensure_browser.sh"
    )


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (scripts/ensure_browser.sh installs Debian's chromium)"
    if not AXE_JS.exists():
        return f"{AXE_JS.relative_to(ROOT)} is missing (scripts/ensure_browser.sh installs axe-core)"
    return None


@pytest.fixture(scope="session")
def _migrated_data(django_db_setup, django_db_blocker):
    """The data the migrations wrote (roles, the 2020 rule set...), as serialized for serialized_rollback."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        with django_db_blocker.unblock():
            contents = connection.creation.serialize_db_to_string()
    return contents


def _keep_serialized_copy(contents):
    from django.db import connections

    connection = connections["default"]
    if not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _restore_migrated_data(transactional_db, _migrated_data):
    """Gives each browser test the freshly migrated database back (the tests use serialized_rollback).

    With SQLite in memory, after Playwright has run, the test thread may be handed a new connection
    object that lacks Django's serialized copy of the database: serialized_rollback then restores
    nothing, and the flush after the test re-creates content types. This fixture puts the copy back on
    the current connection before and after each test and, if the migrated data are missing, loads
    them itself."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    _keep_serialized_copy(_migrated_data)
    if not Group.objects.exists():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(_migrated_data)
        ContentType.objects.clear_cache()
    yield
    _keep_serialized_copy(_migrated_data)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. While Playwright runs, its event loop counts as running in the test
    thread, so Django's async-safety check must be off; it is switched back on after the module (a
    session-wide setting would leak into later tests, e.g. `manage.py check --deploy` in a subprocess)."""
    reason = _unavailable()
    if reason:
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Opens browser contexts (separate cookie jars: one per person) on the live server; closes them after."""
    contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 900},
            "accept_downloads": True,
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def authenticator(user):
    """The user's authenticator app: a confirmed TOTP device (made if missing) whose codes the test reads."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=True)


def current_code(device) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def login(context, user, password=PASSWORD):
    """Logs `user` in through Wagtail's login form and the second factor (a code from the user's
    authenticator app); returns a page of that context on the dashboard."""
    device = authenticator(user)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/admin/2fa/verify/" in url)
    page.fill("input[name=code]", current_code(device))
    page.click("button:has-text('验证并登录')")
    page.wait_for_url(lambda url: "/admin/login/" not in url and "/admin/2fa/" not in url)
    return page


def run_axe(page) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.0/2.1 A and AA rules and best practices).

    axe is evaluated through the DevTools protocol, which the site's Content Security Policy (no inline
    scripts) does not apply to, so the page is tested under its real CSP."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                          summary: n.failureSummary})),
            }));
        }"""
    )


@pytest.fixture
def portal(demo_site):
    """The demo site with a candidate in the live district 公示 (its window opens today) and a certified
    chief technician (certificate SZSX-2024-001) on the roster and the results notice."""
    from tests.factories import EntryFactory
    from workflow.states import Status

    round_ = demo_site["publicity"].round
    candidate = EntryFactory(
        round=round_,
        status=Status.DISTRICT_PUBLICITY,
        district_publicity_start=demo_site["publicity"].window_first_day(),
    )
    chief = EntryFactory(round=round_, status=Status.ACTIVE)
    assert chief.certificate_number == "SZSX-2024-001"
    assert demo_site["publicity"].window()["state"] == "open", demo_site["publicity"].window()
    return {**demo_site, "round": round_, "candidate": candidate, "chief": chief, "today": timezone.localdate()}
