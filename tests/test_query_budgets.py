"""Query budgets: every public page and the admin entry list run as many queries with 1,000 entries as
with 10 (no N+1). The page cache is emptied before each request so that it cannot hide queries."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.demo import today_midnight
from home.listings import republish_list
from roster.models import Entry, Person, Unit
from roster.seeding import lifecycle_fields, numbered_person, path_to
from tests.factories import RoundFactory, UserFactory
from workflow import roles
from workflow.states import Status

SMALL, LARGE = 10, 1000
# No public page needs more than this many queries, whatever the number of entries.
PUBLIC_CEILING = 30
ADMIN_CEILING = 40


def add_entries(rounds, count: int, start: int) -> None:
    """`count` entries (each with its own person and unit) cycling through every state and the given
    rounds; certified ones get certificate numbers. Built as roster.seeding builds them, in bulk."""
    # The states the public pages list come first, so that the small set already shows on every page.
    shown = [Status.DISTRICT_PUBLICITY, Status.ACTIVE, Status.TERM_PASSED, Status.BENEFITS_STOPPED, Status.TERM_ENDED]
    states = shown + [s for s in Status if s not in shown]
    units = Unit.objects.bulk_create(
        Unit(name=f"预算测试单位{n}", kind=Unit.Kind.DISTRICT_ENTERPRISE) for n in range(start, start + count)
    )
    persons = []
    for k, unit in enumerate(units):
        n = start + k
        persons.append(
            numbered_person(
                n,
                unit,
                name=f"预算{n:04d}",
                born=datetime.date(1975, 1, 1) + datetime.timedelta(days=n),
                certificate=f"QB{n:06d}",
            )
        )
    persons = Person.objects.bulk_create(persons)
    entries = []
    for k, person in enumerate(persons):
        n = start + k
        status = states[n % len(states)]
        round_ = rounds[n % len(rounds)]
        fields = lifecycle_fields(round_, status, path_to(status))
        if "announcement_date" in fields:
            fields["certificate_number"] = f"SZSX-{round_.year}-{n:03d}"
        entries.append(
            Entry(
                round=round_,
                person=person,
                unit=person.unit,
                status=status,
                post="数控加工车间主操作手",
                specialty="精密零件数控加工",
                deeds_summary="扎根一线，攻克多项精密加工难题。",
                consent_to_publication=True,
                **fields,
            )
        )
    Entry.objects.bulk_create(entries)


def public_urls(pages) -> dict[str, str]:
    from home.models import RosterPage
    from workflow.states import Status as S

    roster = pages["roster"]
    first = RosterPage.public_entries().filter(status=S.ACTIVE).order_by("pk").first()
    return {
        "home": pages["home"].url,
        "policy": pages["policy"].url,
        "notice index": pages["index"].url,
        "call": pages["call"].url,
        "publicity": pages["publicity"].url,
        "results": pages["results"].url,
        "roster list": roster.url,
        "profile": f"{roster.url}{first.pk}/",
        "verify": f"{roster.url}verify/?number={first.certificate_number}",
    }


def queries_for(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.fixture
def rounds(demo_site):
    # The demo notices belong to the 2024 round; an earlier round gives the roster a second batch.
    return [demo_site["publicity"].round, RoundFactory(year=2022)]


def list_on_notices(pages) -> None:
    """The notices list the round's entries as if published now (the bulk entries skip the factories)."""
    pages["results"].document_number = f"市中政办字〔{pages['results'].round.year + 1}〕1号"
    pages["results"].save()
    for key in ("publicity", "results"):
        republish_list(pages[key], today_midnight())


def test_public_pages_run_a_constant_number_of_queries(demo_site, rounds, client, django_assert_num_queries):
    add_entries(rounds, SMALL, start=0)
    list_on_notices(demo_site)
    urls = public_urls(demo_site)
    small = {name: queries_for(client, url) for name, url in urls.items()}
    assert "预算" in client.get(urls["publicity"]).content.decode()  # the candidates are listed

    add_entries(rounds, LARGE - SMALL, start=SMALL)
    list_on_notices(demo_site)
    assert Entry.objects.count() == LARGE
    for name, url in urls.items():
        cache.clear()
        with django_assert_num_queries(small[name]):
            assert client.get(url).status_code == 200, name
        assert small[name] <= PUBLIC_CEILING, (name, small[name])


def test_admin_entry_list_runs_a_constant_number_of_queries(
    demo_site, rounds, client, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(UserFactory(role=roles.OFFICE), backend="django.contrib.auth.backends.ModelBackend")
    base = reverse("wagtailsnippets_roster_entry:list")
    round_ = rounds[0].pk
    urls = {
        "unfiltered": base,
        "by status": f"{base}?status={Status.ACTIVE}",
        "by round": f"{base}?round={round_}",
        "by status and round": f"{base}?status={Status.SUBMITTED}&round={round_}",
    }
    add_entries(rounds, SMALL, start=0)
    small = {name: queries_for(client, url) for name, url in urls.items()}

    add_entries(rounds, LARGE - SMALL, start=SMALL)
    for name, url in urls.items():
        with django_assert_num_queries(small[name]):
            assert client.get(url).status_code == 200, name
        with django_assert_max_num_queries(ADMIN_CEILING):
            client.get(url)
