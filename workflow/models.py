"""Rule sets (the numbers of a revision of the measures) and the office-kept working-day calendar."""

import datetime
import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from . import articles
from .dates import validate_plausible


class CitationTableFormField(forms.CharField):
    """The citation table edited as lines “第四条 = 第五条” (2020 citation = this revision's citation)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return "\n".join(f"{k} = {v}" for k, v in (value or {}).items())

    def to_python(self, value):
        table = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            old, sep, new = (part.strip() for part in line.replace("＝", "=").partition("="))
            if not sep or not articles.CITATION_EXACT.fullmatch(old) or not articles.CITATION_EXACT.fullmatch(new):
                raise ValidationError(f"第{number}行“{line}”应写作“第四条 = 第五条”或“第九条第二项 = 第十条第二项”。")
            table[old] = new
        return table


class CitationTableField(models.JSONField):
    def formfield(self, **kwargs):
        return CitationTableFormField(
            label=self.verbose_name, help_text=self.help_text, required=not self.blank, max_length=4000
        )


# What a round's rules are: once a round uses the rule set, none of these may change (a correction is a
# new revision). Only the end of validity may still be set when a successor takes over.
LOCKED_FIELDS = (
    "name",
    "document_number",
    "valid_from",
    "max_selected",
    "interval_years",
    "term_years",
    "allowance_per_month",
    "unit_publicity_days",
    "district_publicity_days",
    "age_limit",
    "preferred_age",
    "honours_lookback_years",
    "min_qualification",
    "narrative_chars",
    "citations",
)


class QualificationLevel(models.IntegerChoices):
    """职业资格等级, ordered so that a comparison says “at least”."""

    TECHNICIAN = 3, "技师"
    SENIOR_TECHNICIAN = 4, "高级技师"
    PRINCIPAL_TECHNICIAN = 5, "特级技师"
    CHIEF_TECHNICIAN = 6, "首席技师"


class RuleSet(models.Model):
    """The numbers of one revision of the measures (SPEC §2). Rounds keep the rule set they were opened under.
    Its policy page is the one with the same 文号 (home.PolicyPage.document_number)."""

    name = models.CharField("名称", max_length=100, unique=True)
    document_number = models.CharField("文号", max_length=60, unique=True)
    valid_from = models.DateField("施行日期", validators=[validate_plausible])
    valid_until = models.DateField("有效期至", null=True, blank=True, validators=[validate_plausible])
    max_selected = models.PositiveSmallIntegerField("每次选拔人数上限（第四条）", default=10)
    interval_years = models.PositiveSmallIntegerField("评选间隔（年，第四条）", default=2)
    term_years = models.PositiveSmallIntegerField("管理期限（年，第四条）", default=4)
    allowance_per_month = models.PositiveIntegerField("每月津贴（元，第十条）", default=200)
    unit_publicity_days = models.PositiveSmallIntegerField("单位公示（工作日，第九条第二项）", default=5)
    district_publicity_days = models.PositiveSmallIntegerField("区级公示（工作日，第九条第五项）", default=5)
    age_limit = models.PositiveSmallIntegerField("年龄一般上限（周岁，第七条第五项）", default=50)
    preferred_age = models.PositiveSmallIntegerField("优先年龄（周岁以下，第七条第五项）", default=45)
    honours_lookback_years = models.PositiveSmallIntegerField("称号回溯年限（第七条第二项）", default=4)
    min_qualification = models.PositiveSmallIntegerField(
        "最低职业资格（第六条）", choices=QualificationLevel.choices, default=QualificationLevel.TECHNICIAN
    )
    narrative_chars = models.PositiveSmallIntegerField("事迹材料字数（第九条第二项）", default=1000)
    citations = CitationTableField(
        "条款对照表",
        default=dict,
        blank=True,
        help_text="本修订对2020年办法条款的重新编号，每行一条，如“第四条 = 第五条”；未列出的条款编号不变。"
        "只写条时，其下各项随之改号（第九条 = 第十条 使第九条第二项成为第十条第二项）。",
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("document_number")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("max_selected"), FieldPanel("interval_years"), FieldPanel("term_years")]),
                FieldRowPanel(
                    [
                        FieldPanel("allowance_per_month"),
                        FieldPanel("unit_publicity_days"),
                        FieldPanel("district_publicity_days"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("age_limit"), FieldPanel("preferred_age"), FieldPanel("honours_lookback_years")]
                ),
                FieldRowPanel([FieldPanel("min_qualification"), FieldPanel("narrative_chars")]),
            ],
            heading="规则数值",
        ),
        FieldPanel("citations"),
    ]

    class Meta:
        verbose_name = "规则集"
        verbose_name_plural = "规则集"
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.name}（{self.document_number}）"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def cite(self, article: str) -> str:
        """This revision's citation of `article`, given in the 2020 numbering (SPEC §11)."""
        return articles.cite(self.citations or {}, article)

    def cite_text(self, text: str) -> str:
        """`text` with every citation of the measures in it given in this revision's numbering."""
        return articles.cite_text(self.citations or {}, text)

    @property
    def in_use(self) -> bool:
        return bool(self.pk) and self.rounds.exists()

    def clean(self):
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "有效期截止日期不能早于施行日期。"})
        if self.in_use:
            stored = type(self).objects.filter(pk=self.pk).values(*LOCKED_FIELDS).get()
            changed = [f for f in LOCKED_FIELDS if stored[f] != getattr(self, f)]
            if changed:
                labels = "、".join(str(self._meta.get_field(f).verbose_name) for f in changed)
                raise ValidationError(
                    f"该规则集已被评选批次使用，其数值和条款对照已锁定，不能修改（{labels}）。"
                    "更正须另立新的修订；只可在新修订施行时填写本规则集的有效期截止日期。"
                )


class OfficialCalendarYear(ClusterableModel):
    """A year's official holiday schedule as published by the State Council, entered by the office
    for years the chinesecalendar package does not know yet."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, help_text="如：国务院办公厅关于2027年部分节假日安排的通知")
    published = models.BooleanField("已核对并启用", default=False, help_text="启用后才用于计算该年的工作日。")
    # A demo site needs windows in years the State Council has not scheduled yet; they must say so.
    is_demo = models.BooleanField(
        "演示（非官方）",
        default=False,
        help_text="勾选表示这是演示用的假设安排，不是国务院办公厅公布的安排；按此计算的公示期会标明“演示（非官方）”。",
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("published"), FieldPanel("is_demo")]),
        FieldPanel("source"),
        InlinePanel("days", heading="放假日与调休上班日", label="日期"),
    ]

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = "工作日历"
        ordering = ["-year"]

    def __str__(self):
        if self.is_demo:
            return f"{self.year}年节假日安排【演示（非官方）】"
        return f"{self.year}年官方节假日安排"

    def nature(self) -> str:
        return "演示（非官方）" if self.is_demo else "国务院办公厅通知"

    nature.short_description = "性质"

    def status(self) -> str:
        return "已启用" if self.published else "未启用（待核对）"

    status.short_description = "状态"


class OfficialCalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假（法定节假日）"
        WORKDAY = "workday", "调休上班"

    year = ParentalKey(OfficialCalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True, validators=[validate_plausible])
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    note = models.CharField("说明", max_length=50, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("kind"), FieldPanel("note")])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    class Meta:
        verbose_name = "日期"
        ordering = ["date"]

    def clean(self):
        if self.date and self.year_id and self.date.year != self.year.year:
            raise ValidationError({"date": f"日期须在{self.year.year}年内。"})
