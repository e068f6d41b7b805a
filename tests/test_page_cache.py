"""The shared page cache and the per-generation chrome: what is stored, who bypasses it, and that a
change reaches the next request whether or not it is served from the cache."""

from django.core.cache import cache

from home import cache as page_cache
from home.models import NoticeIndexPage, SiteChrome
from tests.factories import UserFactory
from workflow import roles


def test_addresses_with_made_up_query_strings_are_rendered_but_never_stored(demo_site, client):
    home = demo_site["home"].url
    assert client.get(home)["X-Portal-Cache"] == "miss"
    assert client.get(home)["X-Portal-Cache"] == "hit"
    # Only page numbers as the pager writes them are stored: any other ?page= value would grow the cache.
    for query in (
        "?utm_source=x",
        "?page=1&page=2",
        "?q=津贴&page=2",
        "?page=abc",
        "?page=007",
        "?page=99999",
        "?page=0",
    ):
        first, second = client.get(home + query), client.get(home + query)
        assert first.status_code == second.status_code == 200
        assert "X-Portal-Cache" not in first and "X-Portal-Cache" not in second, query
    index = demo_site["index"].url
    assert client.get(index + "?page=1")["X-Portal-Cache"] == "miss"
    assert client.get(index + "?page=1")["X-Portal-Cache"] == "hit"


def test_signed_in_staff_never_get_or_fill_the_cache(demo_site, client):
    home = demo_site["home"].url
    client.force_login(UserFactory(role=roles.OFFICE))
    assert "X-Portal-Cache" not in client.get(home)
    client.logout()
    assert client.get(home)["X-Portal-Cache"] == "miss"


def test_an_evicted_generation_never_revives_old_entries(demo_site, client):
    home = demo_site["home"].url
    client.get(home)
    before = page_cache.generation()
    assert client.get(home)["X-Portal-Cache"] == "hit"
    cache.delete(page_cache.GENERATION_KEY)  # culled by the file cache, say
    assert page_cache.generation() != before
    assert client.get(home)["X-Portal-Cache"] == "miss"


def test_navigation_and_footer_follow_publishing_and_settings_on_uncached_requests(demo_site, client):
    home = demo_site["home"]
    # A made-up query string: rendered every time, so this checks the chrome, not the page cache.
    url = home.url + "?fresh=1"
    assert "新栏目" not in client.get(url).content.decode()
    page = home.add_child(instance=NoticeIndexPage(title="新栏目", slug="new-section", show_in_menus=True, live=False))
    page.save_revision().publish()
    html = client.get(url).content.decode()
    assert '<a href="/new-section/">新栏目</a>' in html
    chrome = SiteChrome.for_site(demo_site["home"].get_site())
    chrome.sponsor = "枣庄市市中区人民政府办公室（测试）"
    chrome.save()
    assert "（测试）" in client.get(url).content.decode()
    page.refresh_from_db()
    page.unpublish()
    assert "新栏目" not in client.get(url).content.decode()


def test_the_benchmark_reference_page_is_not_part_of_the_portal():
    from django.apps import apps

    # bench.BarePage exists only where bench.settings installs the bench app (make bench).
    assert not apps.is_installed("bench")
    assert not any(m.__name__ == "BarePage" for m in apps.get_models())
    assert "bench" not in {c.label for c in apps.get_app_configs()}


def test_notices_route_through_their_section_and_missing_ones_are_404(demo_site, client):
    index, publicity = demo_site["index"], demo_site["publicity"]
    assert client.get(index.url).status_code == 200
    assert client.get(publicity.url).status_code == 200
    assert client.get(publicity.url + "objection/").status_code == 200
    assert client.get(index.url + "no-such-notice/").status_code == 404
    assert client.get("/no-such-section/no-such-notice/").status_code == 404
    publicity.unpublish()
    assert client.get(publicity.url).status_code == 404
    assert client.get(f"{demo_site['roster'].url}verify/").status_code == 200


def test_the_header_search_box_is_the_same_on_every_page(demo_site, client):
    # The header is a cached fragment: the search page shows the query in its own form, not the header's.
    html = client.get("/search/", {"q": "津贴"}).content.decode()
    assert 'id="site-search-q" type="search" name="q" maxlength="50" placeholder' in html
    assert 'id="q" type="search" name="q" maxlength="50" value="津贴"' in html
