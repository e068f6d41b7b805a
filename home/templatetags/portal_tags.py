from django import template
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None, current_title=""):
    """The trail from the site's home page to `page` (or to a non-page view titled current_title)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    trail = []
    if site:
        home = site.root_page
        if page is not None:
            trail = list(page.get_ancestors(inclusive=True).live().filter(depth__gte=home.depth))
        else:
            trail = [home]
    return {"trail": trail, "current_title": current_title, "page": page}


@register.filter
def chinese_date(value):
    from home.models import chinese_date as fmt

    return fmt(value)
