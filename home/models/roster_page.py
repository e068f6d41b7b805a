"""首席技师风采 (SPEC §8): chief technicians by batch, their profiles and certificate verification."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from home import chrome, public, public_forms


class RosterPage(RoutablePageMixin, Page):
    """首席技师风采: chief technicians by batch, each with a profile (Art 12(5)); certificate verification."""

    intro = RichTextField("导语", blank=True, features=["bold", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "首席技师风采"

    @staticmethod
    def public_entries():
        return public.roster_entries()

    per_page = 50

    def batches(self, request=None) -> list[tuple[int, int]]:
        """(year, number of chief technicians) for every batch with someone on the public roster, latest first."""

        def compute():
            rows = self.public_entries().order_by().values_list("round__year").annotate(n=Count("pk"))
            return sorted(rows, reverse=True)

        return compute() if request is None else chrome.remembered(request, ("batches", self.pk), compute)

    def _render_batch(self, request, year: int | None, batches):
        paginator = Paginator(self.public_entries().filter(round__year=year), self.per_page)
        paginator.count = dict(batches).get(year, 0)  # known from the batch list: no count query
        page_obj = paginator.get_page(request.GET.get("page"))  # not a number: the first; too far: the last
        # Lazy: a cached fragment of the template may not need the rows at all.
        entries = SimpleLazyObject(lambda: public.rows(page_obj.object_list))
        context = {"batches": batches, "year": year, "page_obj": page_obj, "entries": entries}
        return self.render(request, context_overrides=context)

    @path("")
    def index_route(self, request):
        batches = self.batches(request)
        return self._render_batch(request, batches[0][0] if batches else None, batches)

    @path("batch/<int:year>/", name="batch")
    def batch_route(self, request, year):
        batches = self.batches(request)
        if year not in dict(batches):
            raise Http404("该年度没有首席技师名单。")
        return self._render_batch(request, year, batches)

    @path("<int:entry_id>/", name="profile")
    def profile_route(self, request, entry_id):
        def public_name():
            return self.public_entries().filter(pk=entry_id).values_list("person__name", flat=True).first()

        name = chrome.remembered(request, ("profile", self.pk, entry_id), public_name)
        if name is None:
            raise Http404("未找到该首席技师。")
        # Lazy: the profile itself is a cached fragment of the template.
        entry = SimpleLazyObject(lambda: self.public_entries().get(pk=entry_id))
        return self.render(
            request,
            template="home/roster_profile.html",
            context_overrides={"entry": entry, "entry_id": entry_id, "profile_title": name},
        )

    @path("verify/", name="verify")
    def verify_route(self, request):
        return public_forms.verify_certificate(self, request)
