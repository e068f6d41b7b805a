"""Public pages of the portal: home, the policy, notices (calls, publicity, results)."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from workflow.articles import article as cite_article
from workflow.articles import numeral
from workflow.states import PublicityLevel

from .search import segment

DEMO_NOTE = "本页内容及其中人员、单位均为虚构，仅用于演示系统功能。"


def chinese_date(value: datetime.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def public_rows(entries, *extra: str) -> list[dict]:
    """Rows of a public list as plain values: only what the public may see, no model objects to build."""
    from django.db.models import F

    from workflow.models import QualificationLevel

    labels = dict(QualificationLevel.choices)
    rows = list(
        entries.values(
            "pk",
            "deeds_summary",
            *extra,
            name=F("person__name"),
            gender=F("person__gender"),
            occupation=F("person__occupation"),
            level=F("person__qualification_level"),
            unit_name=F("unit__name"),
        )
    )
    for row in rows:
        row["level"] = labels.get(row["level"], "")
    return rows


class SegmentedSearchMixin:
    """Adds a jieba-segmented copy of the page's text to the search index (see home.search)."""

    def search_text(self) -> str:
        return self.title

    def segmented_text(self) -> str:
        return segment(self.search_text())


@register_setting(icon="site")
class SiteChrome(BaseSiteSetting):
    """Footer and identity of the site, as 政府网站发展指引 requires."""

    sponsor = models.CharField("主办单位", max_length=100, default="枣庄市市中区人民政府办公室")
    organiser = models.CharField("承办单位", max_length=100, default="枣庄市市中区人力资源和社会保障局")
    address = models.CharField("联系地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    site_code = models.CharField("网站标识码", max_length=30, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=50, blank=True)
    police_record = models.CharField("公安机关备案号", max_length=50, blank=True)
    party_mark_url = models.URLField("党政机关网站标识链接", blank=True)
    error_report_url = models.URLField("纠错链接", blank=True, help_text="留空时使用本站的“网站纠错”邮件地址。")

    panels = [
        MultiFieldPanel([FieldPanel("sponsor"), FieldPanel("organiser")], heading="主办与承办"),
        MultiFieldPanel([FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")], heading="联系方式"),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("police_record"),
                FieldPanel("party_mark_url"),
                FieldPanel("error_report_url"),
            ],
            heading="网站标识与备案",
        ),
    ]

    class Meta:
        verbose_name = "网站设置"


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
                from django.http import Http404

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


class ParagraphList(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.TextBlock(label="段落"), **kwargs)


class ArticleBlock(blocks.StructBlock):
    number = blocks.IntegerBlock(label="条号", min_value=1)
    text = blocks.TextBlock(label="条文")
    items = blocks.ListBlock(blocks.TextBlock(label="项"), label="项", required=False)

    class Meta:
        label = "条"
        icon = "doc-full"


class ChapterBlock(blocks.StructBlock):
    number = blocks.IntegerBlock(label="章号", min_value=1)
    title = blocks.CharBlock(label="章名")
    articles = blocks.ListBlock(ArticleBlock(), label="条")

    class Meta:
        label = "章"
        icon = "folder-open-inverse"


class PolicyPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """A normative document: its issuing notice, chapters and articles, and disclosure metadata."""

    index_number = models.CharField(
        "索引号", max_length=40, unique=True, blank=True, editable=False, help_text="首次保存时生成，此后不变。"
    )
    issuer = models.CharField("发文机关", max_length=100)
    document_number = models.CharField("文号", max_length=60, unique=True)
    written_date = models.DateField("成文日期")
    publish_date = models.DateField("发布日期")
    subject = models.CharField("主题分类", max_length=60, default="劳动、人事、监察")
    effective_from = models.DateField("施行日期")
    effective_until = models.DateField("有效期至", null=True, blank=True)

    notice_title = models.CharField("印发通知标题", max_length=200, blank=True)
    addressee = models.CharField("主送机关", max_length=200, blank=True)
    notice_body = models.TextField("通知正文", blank=True)
    signature = models.CharField("落款", max_length=100, blank=True)
    disclosure_note = models.CharField("公开属性", max_length=50, blank=True)
    body = StreamField([("chapter", ChapterBlock())], verbose_name="正文", blank=True)
    source_file = models.CharField("导入来源", max_length=200, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("issuer"),
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("subject")]),
                FieldRowPanel([FieldPanel("written_date"), FieldPanel("publish_date")]),
                FieldRowPanel([FieldPanel("effective_from"), FieldPanel("effective_until")]),
                HelpPanel(content="索引号在首次保存时自动生成，此后不再改变；有效性按施行日期和有效期自动计算。"),
            ],
            heading="政府信息公开元数据",
        ),
        MultiFieldPanel(
            [
                FieldPanel("notice_title"),
                FieldPanel("addressee"),
                FieldPanel("notice_body"),
                FieldPanel("signature"),
                FieldPanel("disclosure_note"),
            ],
            heading="印发通知",
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("segmented_text")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"

    # --- validity (Art 16) ---
    def in_force_on(self, day: datetime.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until

    @property
    def validity(self) -> str:
        today = timezone.localdate()
        if today < self.effective_from:
            return "尚未施行"
        return "有效" if self.in_force_on(today) else "已失效"

    # --- disclosure metadata ---
    def clean(self):
        super().clean()
        if self.effective_until and self.effective_until < self.effective_from:
            raise ValidationError({"effective_until": "有效期截止日期不能早于施行日期。"})

    def save(self, *args, **kwargs):
        if not self.index_number:
            self.index_number = self.next_index_number(self.publish_date or self.written_date)
        return super().save(*args, **kwargs)

    @classmethod
    def next_index_number(cls, day: datetime.date) -> str:
        prefix = f"{settings.POLICY_INDEX_ISSUER_CODE}/{day.year}-"
        with transaction.atomic():
            taken = cls.objects.filter(index_number__startswith=prefix).values_list("index_number", flat=True)
            last = max((int(n.rsplit("-", 1)[1]) for n in taken), default=0)
        return f"{prefix}{last + 1:05d}"

    def metadata(self) -> list[tuple[str, str]]:
        return [
            ("索引号", self.index_number),
            ("发文机关", self.issuer),
            ("文号", self.document_number),
            ("成文日期", chinese_date(self.written_date)),
            ("发布日期", chinese_date(self.publish_date)),
            ("主题分类", self.subject),
            ("有效性", self.validity),
        ]

    # --- content helpers ---
    @cached_property
    def chapters(self) -> list[dict]:
        result = []
        for block in self.body:
            if block.block_type != "chapter":
                continue
            value = block.value
            result.append(
                {
                    "number": value["number"],
                    "label": f"第{numeral(value['number'])}章",
                    "title": value["title"],
                    "articles": [
                        {
                            "number": a["number"],
                            "label": cite_article(a["number"]),
                            "text": a["text"],
                            "items": list(a["items"]),
                        }
                        for a in value["articles"]
                    ],
                }
            )
        return result

    def articles(self) -> list[dict]:
        return [a for c in self.chapters for a in c["articles"]]

    def search_text(self) -> str:
        parts = [self.title, self.notice_title, self.notice_body, self.document_number]
        for c in self.chapters:
            parts.append(c["title"])
            for a in c["articles"]:
                parts.append(a["text"])
                parts.extend(a["items"])
        return "\n".join(p for p in parts if p)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["written_date_text"] = chinese_date(self.written_date)
        return context

    @path("print/", name="print")
    def print_view(self, request):
        return self.render(request, template="home/policy_page_print.html")


class NoticeIndexPage(Page):
    intro = RichTextField("导语", blank=True, features=["bold", "link"])
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.CallNoticePage", "home.PublicityNoticePage", "home.ResultsNoticePage"]

    class Meta:
        verbose_name = "通知公告栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = NoticePage.live_notices().child_of(self).order_by("-first_published_at", "-pk")
        paginator = Paginator(notices, self.per_page)
        page_obj = paginator.get_page(request.GET.get("page"))  # not a number: the first; too far: the last
        context["page_obj"] = page_obj
        context["notices"] = page_obj.object_list
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
        from django.utils.html import strip_tags

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


OBJECTIONS_PER_HOUR = "5/h"


class PublicityNoticePage(RoutablePageMixin, NoticePage):
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
            content="公示名单由名册中处于相应公示状态的申报自动生成；公示期自页面上线之日（当日零时前上线）或次日起计算工作日。"
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
    def candidates(self):
        from roster.models import Entry
        from workflow.states import Status

        if not self.round_id:
            return Entry.objects.none()
        entries = Entry.objects.filter(round_id=self.round_id).select_related("person", "unit")
        if self.level == PublicityLevel.UNIT:
            entries = entries.filter(status=Status.UNIT_PUBLICITY, unit_id=self.unit_id)
        else:
            entries = entries.filter(status=Status.DISTRICT_PUBLICITY)
        return entries.order_by("unit__name", "person__name")

    def working_days(self) -> int:
        rules = self.round.rule_set
        return rules.unit_publicity_days if self.level == PublicityLevel.UNIT else rules.district_publicity_days

    def window_first_day(self) -> datetime.date | None:
        """SPEC §3: the go-live date if the page was live for the whole day, else the next day."""
        went_live = self.go_live_at or self.first_published_at
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
        from . import chrome

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
        from workflow import workdays
        from workflow.errors import CalendarUnknown

        if not self.round_id:
            return {"state": "none", "label": "未关联批次"}
        first = self.window_first_day()
        if self.level == PublicityLevel.UNIT:
            starts = self.candidates().exclude(unit_publicity_start=None).values_list("unit_publicity_start", flat=True)
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
        context["candidate_list"] = SimpleLazyObject(lambda: public_rows(self.candidates()))
        context["window"] = self.window(request)
        return context

    # --- objections from the public (Art 9(2), 9(5)), on their own address so the notice stays cacheable ---
    @path("")
    def notice_route(self, request):
        return self.render(request)

    @path("objection/", name="objection")
    def objection_route(self, request):
        from .forms import PublicObjectionForm

        context = {"objection_form": None, "window": self.window(request)}
        status = 200
        if not self.accepts_objections():
            context["objection_error"] = "公示期已结束（或尚未开始），不再受理网上异议。"
            status = 403 if request.method == "POST" else 200
        elif request.method == "POST":
            form = PublicObjectionForm(self, request.POST, request.FILES)
            context["objection_form"] = form
            status = 400
            if self._objection_rate_limited(request):
                context["objection_error"] = "提交过于频繁，请稍后再试，或通过电话、邮件反映。"
                status = 429
            elif form.is_valid():
                context["objection_reference"] = form.save().reference
                context["objection_form"] = None
                status = 200
        else:
            context["objection_form"] = PublicObjectionForm(self)
        response = self.render(request, template="home/publicity_objection.html", context_overrides=context)
        response.status_code = status
        return response

    def objection_url(self) -> str:
        return self.url + self.reverse_subpage("objection")

    @staticmethod
    def _objection_rate_limited(request) -> bool:
        from django_ratelimit.core import is_ratelimited

        return is_ratelimited(request, group="public-objection", key="ip", rate=OBJECTIONS_PER_HOUR, increment=True)


class ResultsNoticePage(NoticePage):
    """名单公布 (Art 9(6)): the certified entries of a round, from the roster."""

    kind_label = "名单公布"

    round = models.ForeignKey(
        "roster.Round", verbose_name="评选批次", null=True, on_delete=models.PROTECT, related_name="results_pages"
    )

    content_panels = Page.content_panels + [
        FieldPanel("round"),
        HelpPanel(content="名单由名册中本批次已颁发证书的首席技师自动生成；被取消资格的不再列出。"),
        *NoticePage.base_panels,
    ]

    class Meta:
        verbose_name = "名单公布"

    def results(self):
        from roster.models import Entry
        from workflow.states import PUBLIC_ROSTER_STATES, Status

        if not self.round_id:
            return Entry.objects.none()
        return (
            Entry.objects.filter(round_id=self.round_id, certificate_number__isnull=False)
            .filter(status__in=[*PUBLIC_ROSTER_STATES, Status.TERM_ENDED])
            .select_related("person", "unit")
            .order_by("certificate_number")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: a cached fragment of the template may not need the rows at all.
        results = SimpleLazyObject(
            lambda: public_rows(self.results(), "certificate_number", "announcement_number", "announcement_date")
        )
        context["result_list"] = results
        context["announcement"] = SimpleLazyObject(
            lambda: (results[0]["announcement_number"], results[0]["announcement_date"]) if results else None
        )
        return context


CERTIFICATE_LOOKUPS_PER_MINUTE = "10/m"
CERTIFICATE_NUMBER_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9\-]{0,29}")


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
        from roster.models import Entry
        from workflow.states import PUBLIC_ROSTER_STATES

        return (
            Entry.objects.filter(status__in=PUBLIC_ROSTER_STATES, certificate_number__isnull=False)
            .select_related("person", "unit", "round", "person__photo")
            .order_by("-round__year", "certificate_number")
        )

    per_page = 50

    def batches(self, request=None) -> list[tuple[int, int]]:
        """(year, number of chief technicians) for every batch with someone on the public roster, latest first."""
        from django.db.models import Count

        from . import chrome

        def compute():
            rows = self.public_entries().order_by().values_list("round__year").annotate(n=Count("pk"))
            return sorted(rows, reverse=True)

        return compute() if request is None else chrome.remembered(request, ("batches", self.pk), compute)

    def _render_batch(self, request, year: int | None, batches):
        paginator = Paginator(self.public_entries().filter(round__year=year), self.per_page)
        paginator.count = dict(batches).get(year, 0)  # known from the batch list: no count query
        page_obj = paginator.get_page(request.GET.get("page"))  # not a number: the first; too far: the last
        # Lazy: a cached fragment of the template may not need the rows at all.
        entries = SimpleLazyObject(lambda: public_rows(page_obj.object_list))
        context = {"batches": batches, "year": year, "page_obj": page_obj, "entries": entries}
        return self.render(request, context_overrides=context)

    @path("")
    def index_route(self, request):
        batches = self.batches(request)
        return self._render_batch(request, batches[0][0] if batches else None, batches)

    @path("batch/<int:year>/", name="batch")
    def batch_route(self, request, year):
        from django.http import Http404

        batches = self.batches(request)
        if year not in dict(batches):
            raise Http404("该年度没有首席技师名单。")
        return self._render_batch(request, year, batches)

    @path("<int:entry_id>/", name="profile")
    def profile_route(self, request, entry_id):
        from django.http import Http404

        from . import chrome

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
        from django.db.models import F
        from django_ratelimit.core import is_ratelimited

        from roster.models import Entry
        from workflow.states import CERTIFICATE_STATUS

        number = (request.GET.get("number") or "").strip().upper()[:30]
        context = {"number": number, "result": None, "not_found": False, "limited": False}
        status = 200
        if number:
            if is_ratelimited(
                request, group="certificate-verify", key="ip", rate=CERTIFICATE_LOOKUPS_PER_MINUTE, increment=True
            ):
                context["limited"] = True
                status = 429
            elif not CERTIFICATE_NUMBER_SHAPE.fullmatch(number):
                context["not_found"] = True  # never a query for input that cannot be a number
            else:
                found = (
                    Entry.objects.filter(certificate_number=number, status__in=list(CERTIFICATE_STATUS))
                    .values("status", "term_start", "term_end", name=F("person__name"), year=F("round__year"))
                    .first()
                )
                if found is None:
                    context["not_found"] = True
                else:
                    context["result"] = {
                        "name": found["name"],
                        "batch": f"{found['year']}年度",
                        "term_start": found["term_start"],
                        "term_end": found["term_end"],
                        "status": CERTIFICATE_STATUS[found["status"]],
                    }
        response = self.render(request, template="home/roster_verify.html", context_overrides=context)
        response.status_code = status
        # Every lookup must reach the rate limit: never served from the page cache.
        response["Cache-Control"] = "private, no-store"
        return response
