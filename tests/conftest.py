import os

import pytest
import time_machine
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from tests.clock import NOW
from tests.mailserver import queued_mail, smtp  # noqa: F401 - fixtures: the site's mail queue, a real SMTP server
from workflow import roles

# CI explores the same examples on every run, so that a landing never depends on luck.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Every test, fixtures included, starts at tests.clock.NOW (the clock ticks on from there), so that
    no result depends on the day the suite runs; a test that needs another day travels with clock.on()."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(monkeypatch):
    """force_login stands for a finished sign-in, second factor included (roster/twofactor.py); the tests
    of the sign-in itself go through the login form and the 2FA pages."""
    from django.test import Client

    from roster.twofactor import verified_client_session

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verified_client_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _role_user(role: str, **kwargs):
    from tests.factories import UserFactory

    return UserFactory(role=role, **kwargs)


@pytest.fixture
def office(db):
    """A member of the 区选拔管理工作办公室."""
    return _role_user(roles.OFFICE)


@pytest.fixture
def office2(db):
    """A second office member (approvals need a different person)."""
    return _role_user(roles.OFFICE)


@pytest.fixture
def expert(db):
    """A 评审专家 (not yet assigned to any round)."""
    return _role_user(roles.EXPERT)


@pytest.fixture
def leader(db):
    """A member of the 区人才工作领导小组."""
    return _role_user(roles.LEADING_GROUP)


@pytest.fixture
def editor(db):
    """A 网站编辑."""
    return _role_user(roles.EDITOR)


@pytest.fixture
def finance(db):
    """A member of 财政 (downloads approved allowance runs)."""
    return _role_user(roles.FINANCE)


@pytest.fixture
def recommender(db):
    """A 推荐单位经办人 of a unit of its own (`recommender.staff_profile.unit`)."""
    from tests.factories import UnitFactory

    return _role_user(roles.RECOMMENDER, unit=UnitFactory())


@pytest.fixture
def demo_site(db):
    """The demo site as `make demo` builds it: home, notices and the imported 2020 policy."""
    from django.core.management import call_command

    from home.demo import load_demo_content, today_midnight
    from tests.factories import RoundFactory

    pages = load_demo_content(RoundFactory(year=2024))
    # The round has no entries yet, so its 公示 and 名单公布 are drafts (an empty list is not published).
    # Tests list entries on them (tests.moves.link_district_notice, the factories); until then they
    # stand live and empty from 00:00 today, as the site's notices did before lists were fixed.
    for key in ("publicity", "results"):
        page = pages[key]
        midnight = today_midnight()
        type(page).objects.filter(pk=page.pk).update(live=True, first_published_at=midnight, last_published_at=midnight)
        page.live, page.first_published_at, page.last_published_at = True, midnight, midnight
    call_command("import_policy", verbosity=0)
    from home.models import PolicyPage

    pages["policy"] = PolicyPage.objects.get()
    return pages
