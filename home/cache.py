"""Public page cache shared by all workers (Django's cache), emptied when what the public sees changes.

Anonymous GET responses are kept for a few minutes together with the generation number they were
rendered under; saving a roster record, taking a transition or publishing a page bumps the
generation (at once and again when the transaction commits), so the change is visible on the next
request in every worker. Responses that set cookies or carry a CSRF token (forms) are never cached.

The lookup runs before the session and authentication middleware: a visitor without a session
cookie is anonymous, so a hit costs two cache reads and nothing else. Only addresses without a query
string (or with just ``page=N``, N a page number up to MAX_PAGE) are stored, so made-up query strings cannot flood the cache.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "public-pages:generation"
TTL_SECONDS = 300
SKIP_PREFIXES = ("/admin/", "/documents/", "/django-admin/")
STORED_QUERY_PARAMETERS = {"page"}
MAX_PAGE = 100  # beyond any list the portal publishes


def _new_generation() -> int:
    # Never restart from a known number: an evicted counter must not match entries stored before.
    return secrets.randbits(52)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def bump(**kwargs) -> None:
    # Now, and again after commit: a request served between the two cannot keep stale content.
    _bump()
    transaction.on_commit(_bump)


def _key(request) -> str:
    # Hashed, so that a long address never makes an over-long cache key; the date, because windows
    # and countdowns change at midnight.
    where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"public-pages:{timezone.localdate():%Y%m%d}:{where}"


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith(SKIP_PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False  # signed in, or a message is waiting to be shown
    query = request.GET
    if not set(query) <= STORED_QUERY_PARAMETERS or any(len(query.getlist(name)) != 1 for name in query):
        return False
    # Only a page number as the pagers write it: ?page=007, ?page=abc or ?page=99999 are served, not stored.
    page = query.get("page")
    return page is None or (page.isascii() and page.isdigit() and page == str(int(page)) and 1 <= int(page) <= MAX_PAGE)


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(response, "streaming", False)
        and "private" not in response.get("Cache-Control", "")
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()
        request._portal_generation = current  # home.chrome serves this request under the same generation
        stored = found.get(key)
        if stored is not None and stored[0] == current:
            response = stored[1]
            response["X-Portal-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(request, response):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            cache.set(key, (current, response), TTL_SECONDS)
            response["X-Portal-Cache"] = "miss"
        return response
