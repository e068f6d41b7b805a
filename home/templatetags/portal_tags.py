from django import template

from home import chrome

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page=None, current_title=""):
    """The trail from the site's home page to `page` (or to a non-page view titled current_title)."""
    return {"trail": chrome.trail(context.get("request"), page), "current_title": current_title, "page": page}


@register.filter
def chinese_date(value):
    from home.models import chinese_date as fmt

    return fmt(value)
