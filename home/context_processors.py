from django.utils import timezone

from . import chrome


def navigation(request):
    """Main navigation, footer settings and the version that keys cached fragments; callables, so a
    template that shows none of them pays nothing."""
    return {
        "site_nav_pages": lambda: chrome.navigation(request),
        "site_chrome": lambda: chrome.footer(request),
        # Fragments live as long as a cached page would: until the next change, or midnight.
        "content_version": lambda: f"{chrome.request_generation(request)}-{timezone.localdate():%Y%m%d}",
    }
