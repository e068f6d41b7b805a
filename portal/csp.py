"""Content Security Policy by area: the public site allows scripts only from itself; the Wagtail admin
also needs its own inline scripts (e.g. InlinePanel set-up carries per-form JSON, so no hash fits)."""

from csp.middleware import CSPMiddleware

ADMIN_PREFIX = "/admin/"


class AreaCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIX) and not hasattr(response, "_csp_update"):
            response._csp_update = {"script-src": ["'self'", "'unsafe-inline'"]}
        return super().process_response(request, response)
