from . import chrome


def navigation(request):
    """Main navigation and footer settings; callables, so a template that shows neither pays nothing."""
    return {
        "site_nav_pages": lambda: chrome.navigation(request),
        "site_chrome": lambda: chrome.footer(request),
    }
