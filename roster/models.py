"""Roster records (SPEC §4): units, persons, rounds, entries and the parts of an application."""

import dataclasses
import datetime
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.search import index

from workflow import eligibility, roles, workdays
from workflow.dates import validate_plausible
from workflow.machine import EntryLifecycle
from workflow.models import QualificationLevel
from workflow.states import CERTIFICATE_STATUS, NEGATIVE_STATES, PublicityLevel, Status

from . import files, idnumber
from .admin_forms import RoundForm, SafeIdsForm, ScopedChoicesForm

# What may be edited in each state (SPEC §6): the application only in draft and returned.
APPLICATION_EDITABLE_STATES = {Status.DRAFT, Status.RETURNED}
# Who the candidate is (SPEC §6) never changes once unit publicity has started (in returned too): a
# different candidate is a new entry with a publicity of its own (Art 9(2)).
FIXED_PERSON_FIELDS = {"name": "姓名", "id_number": "居民身份证号", "unit": "推荐单位"}
FIXED_ENTRY_FIELDS = {"person": "申报人", "unit": "推荐单位"}
IDENTITY_FIXED = "第九条第二项：单位公示已经开始，{field}不能再更改；如需更换人选，请新建申报记录并重新进行单位公示。"
ROUND_FIXED = "申报记录建立后，评选批次不能更改；如需申报其他批次，请新建申报记录。"


def publicity_started(entries):
    """Entries whose unit publicity has started: every state after draft, but a draft withdrawn unpublished."""
    return entries.exclude(status=Status.DRAFT).exclude(status=Status.WITHDRAWN, unit_publicity_start__isnull=True)


def changed_fields(instance, fields) -> list[str]:
    """Which of `fields` (names, foreign keys by their column) differ from the stored row."""
    columns = [instance._meta.get_field(name).attname for name in fields]
    stored = type(instance).objects.filter(pk=instance.pk).values(*columns).first() or {}
    return [
        name for name, column in zip(fields, columns, strict=True) if stored.get(column) != getattr(instance, column)
    ]


class Unit(index.Indexed, models.Model):
    base_form_class = SafeIdsForm

    class Kind(models.TextChoices):
        DISTRICT_ENTERPRISE = "district_enterprise", "区属企业"
        INDUSTRY = "industry", "行业"
        CENTRAL_TAXPAYER = "central_taxpayer", "中央驻区纳税企业"
        PROVINCIAL_TAXPAYER = "provincial_taxpayer", "省属驻区纳税企业"
        TOWNSHIP_HRSS = "township_hrss", "镇街人力资源和社会保障所"

    class Industry(models.TextChoices):
        PILLAR = "pillar", "支柱产业"
        ADVANTAGE = "advantage", "优势产业"
        CHARACTERISTIC = "characteristic", "特色产业"
        EMERGING = "emerging", "新兴产业"
        OTHER = "other", "其他"

    name = models.CharField("单位名称", max_length=100, unique=True)
    kind = models.CharField("单位类型", max_length=30, choices=Kind.choices)
    industry = models.CharField("产业类别", max_length=20, choices=Industry.choices, default=Industry.OTHER)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    banned = models.BooleanField(
        "已取消申报资格", default=False, help_text="第十四条第三项：期满评估不合格且单位负有责任。"
    )
    ban_reason = models.CharField("取消申报资格原因", max_length=200, blank=True)
    banned_on = models.DateField("取消申报资格日期", null=True, blank=True, validators=[validate_plausible])

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("industry")]),
        FieldPanel("credit_code"),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
        MultiFieldPanel(
            [FieldPanel("banned"), FieldPanel("ban_reason"), FieldPanel("banned_on")],
            heading="申报资格（第十四条第三项）",
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("kind")]

    class Meta:
        verbose_name = "推荐单位"
        verbose_name_plural = "推荐单位"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def ban(self, reason: str) -> None:
        self.banned = True
        self.ban_reason = reason[:200]
        self.banned_on = timezone.localdate()
        self.save(update_fields=["banned", "ban_reason", "banned_on"])


class StaffProfile(models.Model):
    """Which unit a 推荐单位经办人 acts for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    unit = models.ForeignKey(Unit, verbose_name="所属推荐单位", null=True, blank=True, on_delete=models.PROTECT)
    # For SMS reminders only (roster.sms); shown on the account form, never in a list or a message.
    mobile = models.CharField("手机号码", max_length=11, blank=True, validators=[idnumber.validate_mobile])

    class Meta:
        verbose_name = "经办人所属单位"

    def __str__(self):
        return f"{self.user} · {self.unit or '—'}"


# The account the daily job acts as (an office member that cannot sign in): told of nothing.
SYSTEM_USERNAME = "system-daily"


def unit_id_of(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_portal_unit_id"):
        user._portal_unit_id = StaffProfile.objects.filter(user_id=user.pk).values_list("unit_id", flat=True).first()
    return user._portal_unit_id


class Person(index.Indexed, models.Model):
    base_form_class = ScopedChoicesForm

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField(
        "居民身份证号",
        max_length=18,
        unique=True,
        # One answer wherever the number is registered: a unit learns nothing about another unit's people.
        error_messages={"unique": "该身份证号已有登记，不能重复登记。如需推荐此人，请联系区选拔管理工作办公室。"},
        validators=[idnumber.validate_id_number],
        help_text="18位，末位可为X。",
    )
    gender = models.CharField("性别", max_length=2, editable=False)
    birth_date = models.DateField("出生日期", editable=False, validators=[validate_plausible])
    phone = models.CharField("联系电话", max_length=20)
    occupation = models.CharField("职业（工种）", max_length=50)
    qualification_level = models.PositiveSmallIntegerField("职业资格等级", choices=QualificationLevel.choices)
    qualification_certificate = models.CharField("职业资格证书编号", max_length=50)
    qualification_date = models.DateField("职业资格取得日期", validators=[validate_plausible])
    is_frontline = models.BooleanField("在一线岗位直接从事技术技能工作", default=True)
    is_freelancer = models.BooleanField("自由职业者", default=False)
    employer = models.CharField("工作单位", max_length=100, blank=True, help_text="自由职业者可不填。")
    unit = models.ForeignKey(Unit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="persons")
    photo = models.ForeignKey(
        "wagtailimages.Image", verbose_name="照片", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # 个人信息保护法: the keyed hash of the ID number, kept when the numbers are pseudonymised
    # (roster/pseudonymise.py), so that a later application by the same person is recognised.
    # Payee data (SPEC §7): the office keeps it, outside the application lock; finance reads it in full
    # only on an approved payment sheet, which keeps a copy as it was at approval.
    bank_name = models.CharField(
        "开户银行", max_length=60, blank=True, help_text="津贴发放用，由区选拔管理工作办公室登记。"
    )
    bank_account = models.CharField(
        "银行账号",
        max_length=40,
        blank=True,
        validators=[idnumber.validate_bank_account],
        help_text="津贴发放用，由区选拔管理工作办公室登记；除已批准的津贴发放表外，只显示末四位。",
    )
    id_key = models.CharField("身份证号密钥散列", max_length=64, db_index=True, editable=False, blank=True)
    pseudonymised_on = models.DateField("个人信息去标识化日期", null=True, blank=True, editable=False)

    panels = [
        HelpPanel(
            content=(
                "<p>个人信息保护：录入前请向申报人告知处理规则（打印的申报表附有《个人信息处理告知》，"
                "由申报人签字），身份证号和电话只用于核验身份、核查重复申报和发放津贴，从不公开；"
                "详见门户网站“个人信息保护”页面。</p>"
            )
        ),
        FieldRowPanel([FieldPanel("name"), FieldPanel("id_number")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("unit")]),
        FieldRowPanel([FieldPanel("occupation"), FieldPanel("employer")]),
        FieldRowPanel(
            [
                FieldPanel("qualification_level"),
                FieldPanel("qualification_certificate"),
                FieldPanel("qualification_date"),
            ]
        ),
        FieldRowPanel([FieldPanel("is_frontline"), FieldPanel("is_freelancer")]),
        FieldPanel("photo"),
        # Left out of the form for whoever may not keep payee data (roster.admin_forms).
        FieldRowPanel([FieldPanel("bank_name"), FieldPanel("bank_account")], heading="津贴收款账户"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("unit_id")]

    class Meta:
        verbose_name = "技能人才"
        verbose_name_plural = "技能人才"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def masked_id_number(self) -> str:
        return idnumber.mask(self.id_number)

    @property
    def masked_phone(self) -> str:
        return idnumber.mask_phone(self.phone)

    @property
    def masked_bank_account(self) -> str:
        return idnumber.mask_account(self.bank_account)

    def clean(self):
        super().clean()
        # The field validator reports a bad ID number; here it is only normalised (x → X).
        self.id_number = idnumber.normalise(self.id_number)
        self.bank_account = idnumber.normalise_account(self.bank_account)
        if self.qualification_date and self.qualification_date > timezone.localdate():
            raise ValidationError({"qualification_date": "职业资格取得日期不能晚于今天。"})
        born = idnumber.birth_date_of(self.id_number) if idnumber.is_valid(self.id_number) else None
        if self.qualification_date and born and self.qualification_date <= born:
            raise ValidationError({"qualification_date": "职业资格取得日期不能早于出生日期（按身份证号）。"})
        if self.pk and self.identity_fixed():
            changed = changed_fields(self, FIXED_PERSON_FIELDS)
            if changed:
                raise ValidationError(
                    {name: IDENTITY_FIXED.format(field=FIXED_PERSON_FIELDS[name]) for name in changed}
                )

    def save(self, *args, **kwargs):
        self.id_number = idnumber.normalise(self.id_number)
        if self.pseudonymised_on is None and self.id_number:
            self.id_key = idnumber.keyed_hash(self.id_number)
        if self.pseudonymised_on is None and self.id_number and len(self.id_number) == 18:
            self.birth_date = idnumber.birth_date_of(self.id_number)
            self.gender = idnumber.gender_of(self.id_number)
        super().save(*args, **kwargs)

    # What workflow.powers reads of a record (a person has no round, so no expert is assigned to it).
    def is_own_unit(self, user) -> bool:
        return self.unit_id is not None and self.unit_id == unit_id_of(user)

    def is_assigned_expert(self, user) -> bool:
        return False

    def is_free_expert(self, user) -> bool:
        return False

    def fixed_fields(self) -> list[str]:
        return list(FIXED_PERSON_FIELDS) if self.identity_fixed() else []

    def all_entries(self):
        """This person's entries, with those recorded before their numbers were pseudonymised."""
        return Entry.objects.filter(person__id_key=self.id_key) if self.id_key else self.entries.all()

    def identity_fixed(self) -> bool:
        """Name, ID number (and so gender) and unit are fixed once an entry's unit publicity has started."""
        return self.pk is not None and publicity_started(self.entries.all()).exists()

    def application_locked(self) -> bool:
        """The person's data are part of an application once its publicity has started (SPEC §6)."""
        return self.entries.exclude(status__in=[*APPLICATION_EDITABLE_STATES, *NEGATIVE_STATES]).exists()


class Round(models.Model):
    base_form_class = RoundForm
    """评选批次 (Art 4, 9(1), 16)."""

    year = models.PositiveSmallIntegerField("评选年度", db_index=True)
    rule_set = models.ForeignKey(
        "workflow.RuleSet", verbose_name="规则集", on_delete=models.PROTECT, related_name="rounds"
    )
    quota = models.PositiveSmallIntegerField("选拔名额", default=10)
    call_date = models.DateField("申报通知日期", validators=[validate_plausible])
    application_deadline = models.DateField("申报截止日期", validators=[validate_plausible])
    review_deadline = models.DateField(
        "专家评审截止日期",
        null=True,
        blank=True,
        validators=[validate_plausible],
        help_text="评审专家在工作台看到此日期和剩余天数。",
    )
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="评审专家",
        blank=True,
        related_name="expert_rounds",
        limit_choices_to={"groups__name": roles.EXPERT, "is_active": True},
        help_text="只能选择具有“评审专家”角色的账号。",
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("rule_set"), FieldPanel("quota")]),
        FieldRowPanel([FieldPanel("call_date"), FieldPanel("application_deadline"), FieldPanel("review_deadline")]),
        FieldPanel("experts", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        verbose_name = "评选批次"
        verbose_name_plural = "评选批次"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度"

    def clean(self):
        super().clean()
        errors = {}
        rules = self.rule_set if self.rule_set_id else None
        if self.call_date and self.year:
            if self.call_date.year != self.year or self.call_date.month < 10:
                errors["call_date"] = (
                    f"第九条第一项：申报工作在评选年度的第四季度部署，申报通知日期须在{self.year}年10月1日至12月31日之间。"
                )
            if rules and not rules.in_force_on(self.call_date):
                until = f"有效期至{rules.valid_until:%Y年%-m月%-d日}" if rules.valid_until else ""
                errors["rule_set"] = (
                    f"第十六条：{rules.document_number}于{self.call_date:%Y-%m-%d}不在有效期内（{until}），不能据此开启新批次。"
                )
        if self.application_deadline and self.call_date and self.application_deadline <= self.call_date:
            errors["application_deadline"] = "申报截止日期须晚于申报通知日期。"
        if self.review_deadline and self.application_deadline and self.review_deadline <= self.application_deadline:
            errors["review_deadline"] = "专家评审截止日期须晚于申报截止日期。"
        if rules:
            if self.quota and self.quota > rules.max_selected:
                errors["quota"] = f"第四条：每次选拔不超过{rules.max_selected}人。"
            if self.quota == 0:
                errors["quota"] = "选拔名额须至少为1人。"
            if self.year:
                others = Round.objects.exclude(pk=self.pk)
                near = others.filter(
                    year__gt=self.year - rules.interval_years, year__lt=self.year + rules.interval_years
                )
                clash = near.order_by("year").first()
                if clash:
                    errors["year"] = (
                        f"第四条：每{rules.interval_years}年评选1次，{clash.year}年度已有批次，"
                        f"与本批次相隔不足{rules.interval_years}年。"
                    )
        if errors:
            raise ValidationError(errors)

    # --- pages on the portal (Art 9(1), 9(5)) ---
    def call_page(self):
        return self.call_pages.live().order_by("first_published_at").first()

    def is_open_for_entries(self) -> bool:
        """Art 9(1): the call, once published, opens the round until its deadline."""
        return self.call_page() is not None and timezone.localdate() <= self.application_deadline


class Entry(index.Indexed, EntryLifecycle, ClusterableModel):
    """One person in one round, recommended by one unit."""

    base_form_class = ScopedChoicesForm

    round = models.ForeignKey(Round, verbose_name="评选批次", on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, verbose_name="申报人", on_delete=models.PROTECT, related_name="entries")
    unit = models.ForeignKey(Unit, verbose_name="推荐单位", on_delete=models.PROTECT, related_name="entries")

    # 申报表 (Art 9(2) item 1)
    post = models.CharField("现从事岗位", max_length=100, blank=True)
    years_in_occupation = models.PositiveSmallIntegerField("从事本职业（工种）年限", null=True, blank=True)
    specialty = models.TextField("主要技能专长", blank=True)
    achievements = models.TextField("主要业绩（申报表摘要）", blank=True)
    unit_opinion = models.TextField("推荐单位评议意见", blank=True)
    # Art 9(2) item 2
    deeds = models.TextField("事迹材料（1000字左右）", blank=True)
    deeds_summary = models.CharField("事迹摘要（公示用）", max_length=200, blank=True)
    consent_to_publication = models.BooleanField(
        "申报人已书面同意公示其姓名、性别、单位、职业、等级和事迹摘要", default=False
    )
    age_justification = models.TextField("超龄推荐的书面说明（第七条第五项）", blank=True)
    revocation_justification = models.TextField("曾被取消资格的书面说明（第七条第一项）", blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    APPLICATION_FIELDS = {
        "post": "现从事岗位",
        "years_in_occupation": "从事本职业年限",
        "specialty": "主要技能专长",
        "achievements": "主要业绩",
        "unit_opinion": "推荐单位评议意见",
    }

    panels = [
        FieldRowPanel([FieldPanel("round"), FieldPanel("person"), FieldPanel("unit")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("post"), FieldPanel("years_in_occupation")]),
                FieldPanel("specialty"),
                FieldPanel("achievements"),
                FieldPanel("unit_opinion"),
            ],
            heading="申报表",
        ),
        MultiFieldPanel([FieldPanel("deeds"), FieldPanel("deeds_summary")], heading="事迹材料"),
        InlinePanel("honours", heading="获奖称号与津贴（第七条第二项）", label="称号"),
        InlinePanel("competition_results", heading="职业技能竞赛名次（第七条第二项）", label="竞赛"),
        InlinePanel("inventions", heading="发明创造与革新成果（第七条第三项）", label="成果"),
        InlinePanel("apprentices", heading="传技带徒（第七条第四项）", label="徒弟"),
        InlinePanel("evidence_files", heading="证明材料（第九条第二项）", label="文件"),
        MultiFieldPanel(
            [
                FieldPanel("consent_to_publication"),
                FieldPanel("age_justification"),
                FieldPanel("revocation_justification"),
            ],
            heading="同意与说明",
        ),
    ]
    search_fields = [
        index.RelatedFields("person", [index.SearchField("name"), index.AutocompleteField("name")]),
        index.RelatedFields("unit", [index.SearchField("name")]),
        index.FilterField("status"),
        index.FilterField("round_id"),
        index.FilterField("unit_id"),
    ]

    class Meta:
        verbose_name = "申报记录"
        verbose_name_plural = "申报记录"
        ordering = ["-round__year", "person__name"]
        constraints = [models.UniqueConstraint(fields=["person", "round"], name="one_entry_per_person_per_round")]

    def __str__(self):
        return f"{self.person.name}（{self.round}）"

    # --- validation ---
    def fixed_fields(self) -> list[str]:
        """The fields this stored entry no longer lets anyone change (SPEC §6)."""
        if self._state.adding or self.pk is None:
            return []
        started = publicity_started(Entry.objects.filter(pk=self.pk)).exists()
        return ["round", *(FIXED_ENTRY_FIELDS if started else ())]

    def clean(self):
        super().clean()
        fixed = self.fixed_fields()
        changed = changed_fields(self, fixed) if fixed else []
        if changed:
            raise ValidationError(
                {
                    name: ROUND_FIXED if name == "round" else IDENTITY_FIXED.format(field=FIXED_ENTRY_FIELDS[name])
                    for name in changed
                }
            )
        if self.person_id and self.round_id:
            dup = Entry.objects.filter(person_id=self.person_id, round_id=self.round_id).exclude(pk=self.pk)
            if dup.exists():
                raise ValidationError({"person": "此人在本批次已有申报记录，同一批次只能申报一次。"})
        if self._state.adding and self.round_id and not self.round.is_open_for_entries():
            raise ValidationError(
                {
                    "round": f"{self.round}申报通知尚未发布或已过申报截止日期（{self.round.application_deadline:%Y-%m-%d}），不能新增申报（第九条第一项）。"
                }
            )
        if self.person_id and self.unit_id and self.person.unit_id != self.unit_id:
            raise ValidationError({"unit": "推荐单位须与技能人才登记的推荐单位一致。"})
        if self.pk and self.status not in APPLICATION_EDITABLE_STATES:
            raise ValidationError(
                f"当前状态为“{self.get_status_display()}”，申报材料只能在草稿或退回补正状态下修改（第九条第二项）。"
            )

    # --- what guards and the checklist read ---
    def is_own_unit(self, user) -> bool:
        return self.unit_id is not None and self.unit_id == unit_id_of(user)

    def is_assigned_expert(self, user) -> bool:
        """An expert assigned to review this entry's round (Art 9(4))."""
        return roles.EXPERT in roles.user_roles(user) and self.round.experts.filter(pk=user.pk).exists()

    def is_free_expert(self, user) -> bool:
        """An assigned expert who may score: not of this entry's unit, and no 回避 declared (Art 9(4))."""
        return (
            self.is_assigned_expert(user)
            and not self.is_own_unit(user)
            and not self.recusals.filter(expert_id=user.pk).exists()
        )

    def missing_application_fields(self) -> list[str]:
        return [label for name, label in self.APPLICATION_FIELDS.items() if getattr(self, name) in (None, "")]

    def has_open_objection(self, window: str | None) -> bool:
        objections = self.objections.filter(status=Objection.State.OPEN)
        return (objections.filter(window=window) if window else objections).exists()

    def has_upheld_objection(self, window: str) -> bool:
        return self.objections.filter(status=Objection.State.UPHELD, window=window).exists()

    def has_expert_review(self) -> bool:
        return self.expert_scores.exclude(
            Q(finding_ethics="") | Q(finding_skill="") | Q(finding_innovation="") | Q(finding_mentoring="")
        ).exists()

    def certificate_number_taken(self, number: str) -> bool:
        return Entry.objects.filter(certificate_number=number).exclude(pk=self.pk).exists()

    def next_certificate_number(self) -> str:
        prefix = f"SZSX-{self.round.year}-"
        taken = Entry.objects.filter(certificate_number__startswith=prefix).values_list("certificate_number", flat=True)
        last = max((int(n.rsplit("-", 1)[1]) for n in taken if n.rsplit("-", 1)[1].isdigit()), default=0)
        return f"{prefix}{last + 1:03d}"

    def checklist(self):
        """The eligibility checklist, citing the revision this entry's round runs under."""
        rules = self.round.rule_set
        return [
            dataclasses.replace(c, article=rules.cite_text(c.article), reason=rules.cite_text(c.reason))
            for c in eligibility.checklist(self)
        ]

    @property
    def age_on_call_date(self) -> int:
        return eligibility.age_on(self.person.birth_date, self.round.call_date)

    def facts_for_publication(self) -> dict:
        """The facts a publicity list shows (SPEC §4, §8), as they stand now."""
        person = self.person
        return {
            "name": person.name,
            "gender": person.gender,
            "unit_name": self.unit.name,
            "occupation": person.occupation,
            "level": person.get_qualification_level_display() if person.qualification_level else "",
            "deeds_summary": self.deeds_summary,
        }

    def district_notice(self):
        """The live district 公示 that lists this entry (the latest, after a 补充公示), or None (SPEC §3)."""
        listing = (
            self.publicity_listings.filter(notice__live=True, notice__level=PublicityLevel.DISTRICT)
            .select_related("notice")
            .order_by("-notice__first_published_at", "-pk")
            .first()
        )
        return listing.notice if listing else None

    def district_publicity_first_day(self) -> datetime.date | None:
        notice = self.district_notice()
        return notice.window_first_day() if notice else None

    @property
    def certificate_status(self) -> str:
        """管理期内 / 期满 / 已取消, as certificate verification says it; empty before certification."""
        return CERTIFICATE_STATUS.get(self.status, "") if self.certificate_number else ""

    @property
    def is_late(self) -> bool:
        """Submitted (上报) after the call's deadline: marked 逾期 for the office, which decides (SPEC §4)."""
        return (
            bool(self.submitted_at) and timezone.localtime(self.submitted_at).date() > self.round.application_deadline
        )

    @property
    def submission_note(self) -> str:
        """上报日期 for the office's lists, marked 逾期 after the call's deadline."""
        if not self.submitted_at:
            return ""
        day = timezone.localtime(self.submitted_at).date()
        return f"{day:%Y-%m-%d}（逾期）" if self.is_late else f"{day:%Y-%m-%d}"

    def publicity_window(self):
        rules = self.round.rule_set
        today = timezone.localdate()
        if self.status == Status.UNIT_PUBLICITY:
            return "单位公示", workdays.window_status(self.unit_publicity_start, rules.unit_publicity_days, today)
        if self.status == Status.DISTRICT_PUBLICITY:
            return "区级公示", workdays.window_status(
                self.district_publicity_start, rules.district_publicity_days, today
            )
        return None


class Honour(models.Model):
    class Kind(models.TextChoices):
        CHINA_SKILL_AWARD = "china_skill_award", "中华技能大奖"
        PROVINCIAL_CONTRIBUTOR = "provincial_contributor", "省有突出贡献技师"
        SKILL_EXPERT = "skill_expert", "市级以上技术能手"
        SIMILAR_TITLE = "similar_title", "其他同类称号"
        STATE_COUNCIL_ALLOWANCE = "state_council_allowance", "享受国务院政府特殊津贴"
        OTHER = "other", "其他荣誉"

    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    title = models.CharField("称号名称", max_length=100)
    awarded_on = models.DateField("获得日期", validators=[validate_plausible])
    issuer = models.CharField("授予机关", max_length=100, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("awarded_on"), FieldPanel("issuer")]),
    ]

    class Meta:
        verbose_name = "称号"
        ordering = ["-awarded_on"]

    def __str__(self):
        return self.title


class CompetitionResult(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", "全国职业技能竞赛"
        PROVINCIAL_1 = "provincial_1", "省级一类职业技能竞赛"
        PROVINCIAL_2 = "provincial_2", "省级二类职业技能竞赛"
        CITY_1 = "city_1", "市级一类职业技能竞赛"
        CITY_2 = "city_2", "市级二类职业技能竞赛"
        OTHER = "other", "其他竞赛"

    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="competition_results")
    level = models.CharField("竞赛类别", max_length=20, choices=Level.choices)
    name = models.CharField("竞赛名称", max_length=100)
    rank = models.PositiveSmallIntegerField("名次", validators=[MinValueValidator(1)])
    held_on = models.DateField("竞赛日期", validators=[validate_plausible])

    panels = [
        FieldRowPanel([FieldPanel("level"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("rank"), FieldPanel("held_on")]),
    ]

    class Meta:
        verbose_name = "竞赛名次"
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.name}第{self.rank}名"


class Invention(models.Model):
    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="inventions")
    title = models.CharField("成果名称", max_length=100)
    kind = models.CharField("类型", max_length=30, help_text="如：发明专利、技术革新、先进操作法、标准工艺")
    achieved_on = models.DateField("取得日期", null=True, blank=True, validators=[validate_plausible])
    description = models.TextField("简要说明", blank=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("kind"), FieldPanel("achieved_on")]),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = "技术成果"

    def __str__(self):
        return self.title


class Apprentice(models.Model):
    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="apprentices")
    name = models.CharField("徒弟姓名", max_length=50)
    achievement = models.CharField("主要成绩", max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("achievement")])]

    class Meta:
        verbose_name = "徒弟"

    def __str__(self):
        return self.name


class EvidenceFile(models.Model):
    entry = ParentalKey(Entry, on_delete=models.CASCADE, related_name="evidence_files")
    title = models.CharField("材料名称", max_length=100)
    file = files.private_file_field()
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    panels = [FieldRowPanel([FieldPanel("title"), FieldPanel("file")])]

    class Meta:
        verbose_name = "证明材料"

    def __str__(self):
        return self.title


def new_reference() -> str:
    return f"YY{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


class Objection(models.Model):
    """异议 raised during a publicity window (Art 9(2), 9(5))."""

    Window = PublicityLevel

    class State(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    entry = models.ForeignKey(Entry, verbose_name="申报记录", on_delete=models.CASCADE, related_name="objections")
    window = models.CharField("公示阶段", max_length=10, choices=Window.choices)
    reference = models.CharField("受理编号", max_length=30, unique=True, default=new_reference, editable=False)
    received_on = models.DateField("收到日期", default=timezone.localdate, validators=[validate_plausible])
    submitter_name = models.CharField("反映人姓名", max_length=50)
    submitter_contact = models.CharField("联系方式", max_length=100)
    facts = models.TextField("反映的事实")
    attachment = files.private_file_field("附件", upload_to=files.objection_path, blank=True)
    status = models.CharField("处理状态", max_length=10, choices=State.choices, default=State.OPEN)
    finding = models.TextField("核实结论", blank=True)
    investigation = models.TextField("调查核实情况", blank=True, help_text="内部记录，不告知反映人。")
    reply = models.TextField("处理结果（答复反映人）", blank=True, help_text="反映人凭受理编号和查询码在网站上查看。")
    # A keyed hash of the 查询码 given at filing: the objector looks up the reply with the reference and
    # the code; neither alone finds anything, and the code itself is never stored.
    lookup_key = models.CharField("查询码散列", max_length=64, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    from_public = models.BooleanField("来自网站", default=False)

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.reference}（{self.get_status_display()}）"

    def clean(self):
        if self.status != self.State.OPEN and not self.finding.strip():
            raise ValidationError({"finding": "处理异议须填写核实结论。"})

    LOOKUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out on the phone

    def issue_lookup_code(self) -> str:
        """A new 查询码 for the objector (shown once); only its keyed hash is kept."""
        code = "".join(secrets.choice(self.LOOKUP_ALPHABET) for _ in range(10))
        self.lookup_key = self._lookup_hash(code)
        return code

    def _lookup_hash(self, code: str) -> str:
        return salted_hmac(
            "roster.objection.lookup",
            f"{self.reference}:{code.strip().upper()}",
            secret=settings.PERSONAL_DATA_KEY or settings.SECRET_KEY,
            algorithm="sha256",
        ).hexdigest()

    @classmethod
    def for_lookup(cls, reference: str, code: str):
        """The objection whose reference and 查询码 both match, or None (the same answer for either wrong)."""
        objection = cls.objects.filter(reference=(reference or "").strip().upper()[:30]).first()
        if objection is None or not objection.lookup_key or not code:
            return None
        return objection if constant_time_compare(objection.lookup_key, objection._lookup_hash(code)) else None


class ExpertScore(models.Model):
    """专家评审 (Art 9(4)): a score and a finding on each of Art 7(1)–(4)."""

    entry = models.ForeignKey(Entry, verbose_name="申报记录", on_delete=models.CASCADE, related_name="expert_scores")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评审专家", on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField("评分（0–100）", validators=[MinValueValidator(0), MaxValueValidator(100)])
    finding_ethics = models.TextField("职业道德与贡献（第七条第一项）")
    finding_skill = models.TextField("技能水平（第七条第二项）")
    finding_innovation = models.TextField("创新成果（第七条第三项）")
    finding_mentoring = models.TextField("传技带徒（第七条第四项）")
    opinion = models.TextField("综合意见", blank=True)
    created_at = models.DateTimeField("评审时间", auto_now_add=True)

    class Meta:
        verbose_name = "专家评分"
        verbose_name_plural = "专家评分"
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="one_score_per_expert")]

    def __str__(self):
        return f"{self.expert} · {self.score}"


class ExpertRecusal(models.Model):
    """回避: an assigned expert declares a conflict of interest with one entry and does not score it."""

    entry = models.ForeignKey(Entry, verbose_name="申报记录", on_delete=models.CASCADE, related_name="recusals")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评审专家", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("回避事由", max_length=200)
    declared_at = models.DateTimeField("声明时间", default=timezone.now)

    class Meta:
        verbose_name = "专家回避声明"
        verbose_name_plural = "专家回避声明"
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="one_recusal_per_expert")]

    def __str__(self):
        return f"{self.expert} 回避 {self.entry}"


@receiver(m2m_changed, sender=Round.experts.through)
def _experts_hold_the_role(sender, instance, action, pk_set, reverse, **kwargs):
    """Whatever the path (form, shell, import), only holders of the expert role join a round's panel."""
    if action != "pre_add" or reverse or not pk_set:
        return
    experts = get_user_model().objects.filter(pk__in=pk_set, groups__name=roles.EXPERT, is_active=True)
    if experts.count() != len(pk_set):
        raise ValidationError({"experts": "评审专家须为具有“评审专家”角色的在用账号。"})


class TrackingEvaluation(models.Model):
    """跟踪评估 (Art 14(1)): one per entry and year; its result decides that year's allowance."""

    class Result(models.TextChoices):
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    entry = models.ForeignKey(Entry, verbose_name="首席技师", on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField("评估年度")
    result = models.CharField("评估结果", max_length=10, choices=Result.choices)
    comment = models.TextField("评估意见")
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评估人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "跟踪评估"
        verbose_name_plural = "跟踪评估"
        ordering = ["entry", "year"]
        constraints = [models.UniqueConstraint(fields=["entry", "year"], name="one_evaluation_per_year")]

    def __str__(self):
        return f"{self.entry} {self.year}年度 {self.get_result_display()}"

    def clean(self):
        entry = self.entry if self.entry_id else None
        if entry is None:
            return
        if not entry.term_start:
            raise ValidationError("只有已颁发证书的首席技师才能进行跟踪评估（第十四条第一项）。")
        if not (entry.term_start.year <= (self.year or 0) <= entry.term_end.year):
            raise ValidationError(
                {"year": f"评估年度须在管理期内（{entry.term_start.year}—{entry.term_end.year}年，第十四条第一项）。"}
            )
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": "不能评估尚未到来的年度。"})
        if not (self.comment or "").strip():
            raise ValidationError({"comment": "请填写评估意见。"})


class AllowanceRun(models.Model):
    """A year's allowance run (Art 10): computed, reviewed, approved; immutable once approved."""

    class State(models.TextChoices):
        DRAFT = "draft", "待审核"
        APPROVED = "approved", "已批准"

    year = models.PositiveSmallIntegerField("发放年度", unique=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Names as signed on the sheet (制表 / 审核), kept as they were: an account renamed later changes nothing.
    computed_by_name = models.CharField("制表人", max_length=60, blank=True)
    approved_by_name = models.CharField("审核人", max_length=60, blank=True)

    class Meta:
        verbose_name = "津贴发放"
        verbose_name_plural = "津贴发放"
        ordering = ["-year"]
        permissions = [("approve_allowancerun", "批准津贴发放"), ("download_allowancerun", "下载津贴发放表")]

    def __str__(self):
        return f"{self.year}年度津贴发放（{self.get_state_display()}）"

    @property
    def approved(self) -> bool:
        return self.state == self.State.APPROVED

    def total(self) -> int:
        return self.lines.aggregate(total=models.Sum("amount"))["total"] or 0


class AllowanceLine(models.Model):
    """One person's allowance in a run: the months it pays for one year, or a correction of an earlier run."""

    run = models.ForeignKey(AllowanceRun, verbose_name="发放批次", on_delete=models.CASCADE, related_name="lines")
    entry = models.ForeignKey(Entry, verbose_name="首席技师", on_delete=models.PROTECT, related_name="allowance_lines")
    for_year = models.PositiveSmallIntegerField("所属年度")
    months = models.SmallIntegerField("月数")
    amount = models.IntegerField("金额（元）")
    is_correction = models.BooleanField("更正", default=False)
    note = models.CharField("说明（停发原因等）", max_length=300, blank=True)
    # The payee as at approval (SPEC §7): the approved sheet never changes with later corrections.
    payee_id_number = models.CharField("收款人身份证号", max_length=18, blank=True)
    payee_bank = models.CharField("开户银行", max_length=60, blank=True)
    payee_account = models.CharField("银行账号", max_length=40, blank=True)

    class Meta:
        verbose_name = "津贴明细"
        verbose_name_plural = "津贴明细"
        ordering = ["run", "entry__person__name", "for_year"]

    def __str__(self):
        return f"{self.entry} {self.for_year}年 {self.months}个月 {self.amount}元"

    def save(self, *args, **kwargs):
        if self.run.approved:
            raise ValidationError("已批准的津贴发放不能修改；更正请列入以后年度的发放。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.run.approved:
            raise ValidationError("已批准的津贴发放不能修改；更正请列入以后年度的发放。")
        return super().delete(*args, **kwargs)


class RevocationEvidence(models.Model):
    """Files supporting a proposal to revoke (Art 15); private like all evidence."""

    entry = models.ForeignKey(Entry, verbose_name="首席技师", on_delete=models.CASCADE, related_name="revocation_files")
    title = models.CharField("材料名称", max_length=100)
    file = files.private_file_field()
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "取消资格证明材料"

    def __str__(self):
        return self.title


from .audit import PersonalDataAccess, SecurityEvent  # noqa: E402, F401 - the audit logs' models live in roster.audit
from .inbox import Notification, NotificationPreference, OutgoingMail, ScheduledRun  # noqa: E402, F401
