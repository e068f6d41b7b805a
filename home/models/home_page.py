"""The home page: open publicity windows first, latest notices, policies and sections (SPEC §8)."""

from django.http import Http404
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .base import SegmentedSearchMixin
from .notices import NoticeIndexPage, NoticePage, PublicityNoticePage
from .policy import PolicyPage
from .roster_page import RosterPage


class HomePage(SegmentedSearchMixin, Page):
    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("segmented_text")]
    subpage_types = ["home.PolicyPage", "home.NoticeIndexPage", "home.RosterPage"]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def route(self, request, path_components):
        if len(path_components) > 1:
            # On the way to a notice, its section (通知公告) only passes the request on, which needs none
            # of the section's own fields: it is not loaded as its specific type (one query fewer).
            try:
                section = self.get_children().get(slug=path_components[0])
            except Page.DoesNotExist as e:
                raise Http404 from e
            section._cached_parent_obj = self
            passing_on = section.specific_class is NoticeIndexPage
            return (section.specific_deferred if passing_on else section.specific).route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: a cached fragment of the template may not need the lists at all.
        context["lists"] = SimpleLazyObject(lambda: self.lists(request))
        return context

    def lists(self, request) -> dict:
        """What the home page lists: open publicity windows, latest notices, policies and sections."""
        private = Page.objects.private_q()  # one query for the view restrictions, shared by the lists below

        def live(model):
            return model.objects.live().descendant_of(self).exclude(private)

        notices = NoticePage.live_notices(private).descendant_of(self)
        sections = {
            type(p): p for p in live(Page).child_of(self).type(NoticeIndexPage, RosterPage).specific(defer=True)
        }
        windows = []
        for notice in live(PublicityNoticePage).select_related("round__rule_set"):
            window = notice.window(request)
            if window.get("state") == "open":
                windows.append((notice, window))
        return {
            "open_windows": sorted(windows, key=lambda pair: pair[1]["end"]),
            "latest_notices": list(notices.order_by("-first_published_at").specific(defer=True)[:8]),
            "policies": list(live(PolicyPage).order_by("-written_date")),
            "notice_index": sections.get(NoticeIndexPage),
            "roster_page": sections.get(RosterPage),
        }
