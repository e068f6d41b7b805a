"""通知公告 (SPEC §8): the section, and calls, publicity notices and results whose lists come from the roster."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from home import chrome, public, public_forms
from workflow import workdays
from workflow.errors import CalendarUnknown
from workflow.states import PublicityLevel

from .base import DEMO_NOTE, SegmentedSearchMixin
from .policy import PolicyPage


class NoticeIndexPage(Page):
    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.CallNoticePage", "home.PublicityNoticePage", "home.ResultsNoticePage"]

    class Meta:
        verbose_name = "通知公告栏目"

    # 按类型筛选: the value in the address, the kind of notice.
    KINDS = {"call": "CallNoticePage", "publicity": "PublicityNoticePage", "results": "ResultsNoticePage"}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        every = NoticePage.live_notices().child_of(self)
        notices = every
        kind = request.GET.get("type", "")
        if kind in self.KINDS:
            notices = notices.type(globals()[self.KINDS[kind]])
        else:
            kind = ""
        year = request.GET.get("year", "")
        if year.isdigit() and len(year) == 4:
            notices = notices.filter(first_published_at__year=int(year))
        else:
            year = ""
        paginator = Paginator(notices.order_by("-first_published_at", "-pk"), self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))  # not a number: the first; too far: the last
        context["page_obj"] = page_obj
        context["notices"] = page_obj.object_list
        context["kinds"] = [(key, globals()[name].kind_label) for key, name in self.KINDS.items()]
        context["years"] = sorted({d.year for d in every.dates("first_published_at", "year")}, reverse=True)
        context["kind"], context["year"] = kind, year
        context["extra_query"] = "&".join(f"{k}={v}" for k, v in (("type", kind), ("year", year)) if v)
        return context


class NoticePage(SegmentedSearchMixin, Page):
    """What every notice has: a kind, a date, a summary and a body; concrete kinds add their fields."""

    kind_label = "通知公告"

    summary = models.TextField("摘要", blank=True, max_length=300)
    body = RichTextField("正文", blank=True)
    is_demo = models.BooleanField("演示数据", default=False, help_text="勾选后页面顶部显示“演示数据”提示。")

    search_fields = Page.search_fields + [index.SearchField("segmented_text")]
    parent_page_types = ["home.NoticeIndexPage"]
    subpage_types: list[str] = []
    base_panels = [FieldPanel("summary"), FieldPanel("body"), FieldPanel("is_demo")]

    class Meta:
        abstract = True

    @classmethod
    def live_notices(cls, private=None):
        """Live public notices of every kind; `private` reuses a view-restriction filter already fetched."""
        pages = Page.objects.live()
        pages = pages.public() if private is None else pages.exclude(private)
        return pages.type(CallNoticePage, PublicityNoticePage, ResultsNoticePage)

    def search_text(self) -> str:
        return "\n".join([self.title, self.summary, strip_tags(self.body)])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["demo_note"] = DEMO_NOTE if self.is_demo else ""
        return context


DEFAULT_MATERIALS = (
    "<ol><li>市中首席技师申报表；</li><li>1000字左右的事迹材料；</li>"
    "<li>申报人职业资格证书、获奖情况、主要技术成果及相关证书等证明材料。</li></ol>"
)


class CallNoticePage(NoticePage):
    """申报通知 (Art 9(1)): the call for a round's applications; publishing it opens the round."""

    kind_label = "申报通知"

    round = models.ForeignKey(
        "roster.Round", verbose_name="评选批次", null=True, on_delete=models.PROTECT, related_name="call_pages"
    )
    materials = RichTextField("申报材料", default=DEFAULT_MATERIALS, help_text="第九条第二项规定的推荐材料。")
    application_form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="申报表下载",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("round"),
        HelpPanel(content="评选年度、名额和申报截止日期取自所选评选批次；本通知发布后该批次开始受理申报。"),
        *NoticePage.base_panels,
        FieldPanel("materials"),
        FieldPanel("application_form"),
    ]

    class Meta:
        verbose_name = "申报通知"

    def policy_page(self):
        """The revision of the measures this call's round runs under (its rule set's 文号)."""
        if not self.round_id:
            return None
        return PolicyPage.objects.live().filter(document_number=self.round.rule_set.document_number).first()


class ListedNotice:
    """A notice whose list is fixed at its first publication (SPEC §3): rows stored as the entries'
    snapshots, so a later move, correction or revocation never edits what was published."""

    def entries_to_list(self):
        raise NotImplementedError

    def listing_facts(self, entry) -> dict:
        return dict(entry.published_facts or entry.facts_for_publication())

    def fix_list(self) -> int:
        """Stores the list when the notice is first published; later publications keep it."""
        if self.listings.exists():
            return self.listings.count()
        entries = list(self.entries_to_list().select_related("person", "unit"))
        self.store_rows(entries)
        return len(entries)

    def store_rows(self, entries) -> None:
        """Appends `entries` to the stored list, each as its snapshot."""
        model, start = self.listings.model, self.listings.count()
        model.objects.bulk_create(
            model(notice=self, entry=entry, position=n, facts=self.listing_facts(entry))
            for n, entry in enumerate(entries, start=start + 1)
        )

    def listed_rows(self) -> list[dict]:
        """The published list; before publication (preview), the list as it would be published now."""
        if self.first_published_at and self.pk:
            facts = [listing.facts for listing in self.listings.all()]
        else:
            facts = [self.listing_facts(e) for e in self.entries_to_list().select_related("person", "unit")]
        rows = []
        for fact in facts:
            row = dict(fact)
            if row.get("announcement_date"):
                row["announcement_date"] = datetime.date.fromisoformat(row["announcement_date"])
            rows.append(row)
        return rows

    def listed_entries(self):
        from roster.models import Entry

        return Entry.objects.filter(pk__in=self.listings.values("entry_id")).select_related("person", "unit")


class PublicityNoticePage(ListedNotice, RoutablePageMixin, NoticePage):
    """公示: its candidate list is rendered from the roster entries in the window's state (SPEC §8)."""

    kind_label = "公示"

    round = models.ForeignKey(
        "roster.Round", verbose_name="评选批次", null=True, on_delete=models.PROTECT, related_name="publicity_pages"
    )
    level = models.CharField("公示层级", max_length=10, choices=PublicityLevel.choices, default="district")
    unit = models.ForeignKey(
        "roster.Unit",
        verbose_name="推荐单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="单位公示时选择推荐单位。",
    )
    objection_address = models.CharField("异议受理地址", max_length=200, blank=True)
    objection_phone = models.CharField("异议受理电话", max_length=50, blank=True)
    objection_email = models.EmailField("异议受理邮箱", blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("round"), FieldPanel("level"), FieldPanel("unit")]),
        HelpPanel(
            content="公示名单在首次发布时按名册确定并保存，此后不再变化：区级公示列入本批次已确定为建议人选、"
            "且未列入本批次其他已发布区级公示的人员（之后确定的人选须另发补充公示）；单位公示列入该单位处于单位公示期的人员。"
            "名单为空的公示不能发布。公示期自页面实际首次发布之日（当日零时前已发布）或次日起计算工作日。"
        ),
        *NoticePage.base_panels,
        MultiFieldPanel(
            [FieldPanel("objection_address"), FieldPanel("objection_phone"), FieldPanel("objection_email")],
            heading="异议受理",
        ),
    ]

    class Meta:
        verbose_name = "公示"

    def clean(self):
        super().clean()
        if self.level == PublicityLevel.UNIT and not self.unit_id:
            raise ValidationError({"unit": "单位公示须选择推荐单位。"})

    # --- the list and the window, from the records ---
    def entries_to_list(self):
        return public.publicity_candidates(self)

    def working_days(self) -> int:
        rules = self.round.rule_set
        return rules.unit_publicity_days if self.level == PublicityLevel.UNIT else rules.district_publicity_days

    def window_first_day(self) -> datetime.date | None:
        """SPEC §3: the day of first publication if the page was live for the whole day, else the next
        day. A go-live setting is a wish; the first publication is what really happened."""
        went_live = self.first_published_at
        if not self.live or went_live is None:
            return None
        went_live = timezone.localtime(went_live)
        day = went_live.date()
        if went_live.time() != datetime.time(0, 0):
            day += datetime.timedelta(days=1)
        return day

    def window(self, request=None) -> dict:
        """The publicity window today. Asked for several times per request (the page, the form, the home
        page); with a request, each worker walks the calendar once a day per content generation."""
        today = timezone.localdate()
        memo = self.__dict__.get("_window_memo")
        if memo is None or memo[0] != today:
            if request is None:
                value = self._compute_window(today)
            else:
                value = chrome.remembered(request, ("window", self.pk, today), lambda: self._compute_window(today))
            memo = self.__dict__["_window_memo"] = (today, value)
        return memo[1]

    def _compute_window(self, today: datetime.date) -> dict:
        if not self.round_id:
            return {"state": "none", "label": "未关联批次"}
        first = self.window_first_day()
        if self.level == PublicityLevel.UNIT:
            starts = (
                self.listed_entries().exclude(unit_publicity_start=None).values_list("unit_publicity_start", flat=True)
            )
            first = min(starts, default=first)
        days = self.working_days()
        try:
            return {**workdays.window_status(first, days, today), "working_days": days}
        except CalendarUnknown as exc:
            return {"state": "unknown", "label": "无法计算", "error": str(exc)}

    def accepts_objections(self) -> bool:
        return self.live and self.window().get("state") == "open"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: a cached fragment of the template may not need the rows at all.
        context["candidate_list"] = SimpleLazyObject(self.listed_rows)
        context["window"] = self.window(request)
        return context

    # --- objections from the public (Art 9(2), 9(5)), on their own address so the notice stays cacheable ---
    @path("")
    def notice_route(self, request):
        return self.render(request)

    @path("objection/", name="objection")
    def objection_route(self, request):
        return public_forms.objection(self, request)

    def objection_url(self) -> str:
        return self.url + self.reverse_subpage("objection")


class ResultsNoticePage(ListedNotice, NoticePage):
    """名单公布 (Art 9(6)): the certified entries of a round under one 文号, fixed at publication."""

    kind_label = "名单公布"

    round = models.ForeignKey(
        "roster.Round", verbose_name="评选批次", null=True, on_delete=models.PROTECT, related_name="results_pages"
    )
    document_number = models.CharField(
        "公布文号", max_length=60, blank=True, help_text="区政府办公室公布名单的文号，如：市中政办字〔2027〕1号。"
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("round"), FieldPanel("document_number")]),
        HelpPanel(
            content="名单在首次发布时按名册确定并保存，此后不再变化：列入本批次已颁发证书、公布文号与本页相同的首席技师，"
            "以及颁证时未填文号、且未列入其他名单公布的首席技师。之后的取消资格不改动已发布的名单"
            "（名册和证书查询显示当前状态）。名单为空的不能发布。"
        ),
        *NoticePage.base_panels,
    ]

    class Meta:
        verbose_name = "名单公布"

    def entries_to_list(self):
        return public.results_to_announce(self)

    def listing_facts(self, entry) -> dict:
        return {
            **super().listing_facts(entry),
            "certificate_number": entry.certificate_number,
            "announcement_number": entry.announcement_number,
            "announcement_date": entry.announcement_date.isoformat() if entry.announcement_date else "",
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: a cached fragment of the template may not need the rows at all.
        results = SimpleLazyObject(self.listed_rows)
        context["result_list"] = results
        context["announcement"] = SimpleLazyObject(
            lambda: (self.document_number, results[0]["announcement_date"]) if results else None
        )
        return context


class Listing(models.Model):
    """One row of a published list, as it was published (SPEC §3)."""

    entry = models.ForeignKey("roster.Entry", verbose_name="申报记录", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("序号")
    facts = models.JSONField("公布内容")

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.facts.get('name', '')}"


class PublicityListing(Listing):
    notice = models.ForeignKey(PublicityNoticePage, on_delete=models.CASCADE, related_name="listings")
    entry = models.ForeignKey(
        "roster.Entry", verbose_name="申报记录", on_delete=models.PROTECT, related_name="publicity_listings"
    )

    class Meta(Listing.Meta):
        verbose_name = "公示名单行"
        constraints = [models.UniqueConstraint(fields=["notice", "entry"], name="one_publicity_row_per_entry")]


class ResultsListing(Listing):
    notice = models.ForeignKey(ResultsNoticePage, on_delete=models.CASCADE, related_name="listings")
    entry = models.ForeignKey(
        "roster.Entry", verbose_name="申报记录", on_delete=models.PROTECT, related_name="results_listings"
    )

    class Meta(Listing.Meta):
        verbose_name = "名单公布行"
        constraints = [models.UniqueConstraint(fields=["notice", "entry"], name="one_results_row_per_entry")]
