"""Public page cache shared by all workers (Django's cache), emptied when what the public sees changes.

Anonymous GET responses are kept for a few minutes under a key holding a generation number and
today's date; saving a roster record, taking a transition or publishing a page bumps the generation
once the transaction commits, so the change is visible on the next request. Responses that set
cookies or carry a CSRF token (forms) are never cached.
"""

import hashlib

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "public-pages:generation"
TTL_SECONDS = 300
SKIP_PREFIXES = ("/admin/", "/documents/", "/django-admin/")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def bump(**kwargs) -> None:
    # Now, and again after commit: a request served between the two cannot keep stale content.
    _bump()
    transaction.on_commit(_bump)


def _key(request) -> str:
    # Hashed, so that a long query string never makes an over-long cache key.
    where = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"public-pages:{generation()}:{timezone.localdate():%Y%m%d}:{where}"


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cacheable = (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(SKIP_PREFIXES)
            and not request.user.is_authenticated
        )
        if not cacheable:
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Portal-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(response, "streaming", False)
            and "private" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            cache.set(key, response, TTL_SECONDS)
            response["X-Portal-Cache"] = "miss"
        return response
