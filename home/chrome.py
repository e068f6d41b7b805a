"""What every public page shows around its content — navigation, breadcrumb trails, footer settings —
and other values that change only with the content (publicity windows, the roster's batch list).

All of it changes only when something bumps the shared cache generation (home.cache: publishing,
saving records, site settings or calendars). Each worker keeps such values in its own memory (the
"template_fragments" cache, which {% cache %} fragments use too) under keys holding the generation,
so a change made through any worker retires them everywhere.
"""

from django.core.cache import caches
from wagtail.models import Site

from . import cache

TTL_SECONDS = cache.TTL_SECONDS


def request_generation(request) -> int:
    """The generation this request is served under (read once per request)."""
    if not hasattr(request, "_portal_generation"):
        request._portal_generation = cache.generation()
    return request._portal_generation


def remembered(request, key: tuple, compute):
    name = ":".join(str(part) for part in ("derived", request_generation(request), *key))
    return caches["template_fragments"].get_or_set(name, compute, TTL_SECONDS)


def _site(request):
    return Site.find_for_request(request) if request is not None else None


def navigation(request) -> list[dict]:
    """Top-level pages marked “在菜单中显示”, as (title, url)."""
    site = _site(request)
    if site is None:
        return []

    def compute():
        pages = site.root_page.get_children().live().public().in_menu().order_by("path")
        return [{"title": p.title, "url": p.get_url(request)} for p in pages]

    return remembered(request, ("navigation", site.pk), compute)


def trail(request, page) -> list[dict]:
    """The breadcrumb trail from the site's home page to `page` (inclusive), as (title, url)."""
    site = _site(request)
    if site is None:
        return []
    home = site.root_page

    def compute():
        if page is None:
            return [{"title": home.title, "url": home.get_url(request)}]
        ancestors = page.get_ancestors(inclusive=True).live().filter(depth__gte=home.depth)
        return [{"title": p.title, "url": p.get_url(request)} for p in ancestors]

    return remembered(request, ("trail", site.pk, page.pk if page is not None else None), compute)


def footer(request):
    """The site's 网站设置 (SiteChrome) for the footer."""
    from .models import SiteChrome

    site = _site(request)
    if site is None:
        return SiteChrome()
    return remembered(request, ("footer", site.pk), lambda: SiteChrome.for_site(site))


def contact_line(request) -> str:
    """The site's contacts in one line (网站设置), for the personal-data notices."""
    chrome = footer(request)
    parts = [
        chrome.address,
        f"电话 {chrome.phone}" if chrome.phone else "",
        f"邮箱 {chrome.email}" if chrome.email else "",
    ]
    return "，".join(p for p in parts if p) or "见本网站页脚"
