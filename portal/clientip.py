"""The client's address, as the login lockout, the rate limits and the logs all see it.

Behind N reverse proxies (settings.TRUSTED_PROXY_COUNT), each proxy appends the address it received the
request from to X-Forwarded-For, so the client is the N-th entry from the right; whatever stands further
left was written by the client and is ignored. With 0 (the default) no forwarded header is trusted.

django-ipware was considered: its proxy count trusts a one-entry X-Forwarded-For even with a count of 0,
which is the very fault this rule closes, so the rule is written here in a few lines.
"""

import contextvars
import ipaddress
import logging

from django.conf import settings

_current = contextvars.ContextVar("client_ip", default="-")


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent `request` (used by django-axes and django-ratelimit)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        # Fewer entries than trusted proxies: a hop is missing, so the header proves nothing.
        if len(hops) >= trusted:
            address = _valid(hops[-trusted])
            if address:
                return address
    return _valid(remote) or remote


class ClientAddressMiddleware:
    """Makes the client's address known to the log lines written while the request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Also on the request, for the lower layers (the audit logs) that do not import the portal.
        request.client_ip = client_ip(request)
        token = _current.set(request.client_ip)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class ClientAddressFilter(logging.Filter):
    """Adds `client` (the address of the request being served, or "-") to every log record."""

    def filter(self, record):
        record.client = _current.get()
        return True
