from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import redirect, render
from django.templatetags.static import static
from wagtail.models import Page, Site

from roster import privacy as privacy_notices

from . import chrome, public_forms
from .search import segment_query

MAX_QUERY = 50


def search(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    results = Page.objects.none()
    if query:
        terms = segment_query(query)
        if terms:
            results = Page.objects.live().public().specific().search(terms, operator="and")
    paginator = Paginator(results, 10)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page_obj = paginator.page(1)
    return render(request, "home/search.html", {"query": query, "page_obj": page_obj})


def site_map(request):
    """网站地图: the live public page tree of this site."""
    site = Site.find_for_request(request)
    root = site.root_page if site else None
    pages = []
    if root:
        for page in root.get_descendants(inclusive=True).live().public().order_by("path"):
            pages.append((page, page.depth - root.depth))
    return render(request, "home/site_map.html", {"pages": pages})


def privacy(request):
    """个人信息保护: what the portal processes, why, how long, and how people exercise their rights."""
    contact = chrome.contact_line(request)
    notices = [
        ("申报首席技师", privacy_notices.notice("application", contact)),
        ("网上提交异议", privacy_notices.notice("objection", contact)),
    ]
    return render(request, "home/privacy.html", {"notices": notices, "contact": contact})


def objection_lookup(request):
    return public_forms.objection_lookup(request)


def favicon(request):
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)
