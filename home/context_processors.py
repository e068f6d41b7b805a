from wagtail.models import Site


def navigation(request):
    """Top-level pages shown in the main navigation (those marked “在菜单中显示”)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"site_nav_pages": []}
    pages = site.root_page.get_children().live().public().in_menu().order_by("path")
    return {"site_nav_pages": pages}
