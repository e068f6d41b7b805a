"""The policy page (SPEC §2): a normative document with its chapters, articles and disclosure metadata."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from workflow.articles import article as cite_article
from workflow.articles import numeral
from workflow.dates import validate_plausible

from .base import SegmentedSearchMixin, chinese_date


class ArticleBlock(blocks.StructBlock):
    number = blocks.IntegerBlock(label="条号", min_value=1)
    text = blocks.TextBlock(label="条文")
    # A new article starts without items: ListBlock's default is one empty item, which is required.
    items = blocks.ListBlock(blocks.TextBlock(label="项"), label="项", default=[])

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

    def clean(self, value):
        value = super().clean(value)
        # Like a required field, not enforced on a draft; Wagtail's min_num message would be generic.
        if not value["articles"] and not self.is_deferred_validation:
            raise blocks.StructBlockValidationError(
                block_errors={"articles": blocks.ListBlockValidationError(non_block_errors=["每章至少应有一条。"])}
            )
        return value


class PolicyPagePermissionTester(PagePermissionTester):
    def can_copy(self):
        # A copy would repeat the unique 文号; a revision is imported with its own (导入政策文件).
        return False


class PolicyPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """A normative document: its issuing notice, chapters and articles, and disclosure metadata."""

    index_number = models.CharField(
        "索引号", max_length=40, unique=True, blank=True, editable=False, help_text="首次保存时生成，此后不变。"
    )
    issuer = models.CharField("发文机关", max_length=100)
    document_number = models.CharField("文号", max_length=60, unique=True)
    written_date = models.DateField("成文日期", validators=[validate_plausible])
    publish_date = models.DateField("发布日期", validators=[validate_plausible])
    subject = models.CharField("主题分类", max_length=60, default="劳动、人事、监察")
    effective_from = models.DateField("施行日期", validators=[validate_plausible])
    effective_until = models.DateField("有效期至", null=True, blank=True, validators=[validate_plausible])

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
        HelpPanel(
            content="修订后的办法或更正后的全文，请通过菜单“导入政策文件”上传（.txt 或 .docx）；此处可手工修改个别章、条、项。"
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("segmented_text")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"

    def permissions_for_user(self, user):
        return PolicyPagePermissionTester(user, self)

    # --- validity (Art 16) ---
    def in_force_on(self, day: datetime.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until

    def successor(self):
        """The revision that replaced this one: the next live policy page to come into force."""
        later = PolicyPage.objects.live().filter(effective_from__gt=self.effective_from).exclude(pk=self.pk)
        return later.order_by("effective_from").first()

    def predecessor(self):
        """The revision this one replaced."""
        earlier = PolicyPage.objects.live().filter(effective_from__lt=self.effective_from).exclude(pk=self.pk)
        return earlier.order_by("-effective_from").first()

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
