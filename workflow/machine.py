"""The entry lifecycle of SPEC §6 as a django-fsm-2 state machine.

An abstract model: roster.Entry inherits it. Reading the transitions top to bottom is reading the
diagram of SPEC §6. Guards live in workflow.guards (GUARDS), roles in workflow.roles
(TRANSITION_ROLES); both are wired in here so that django-fsm's can_proceed and has_transition_perm
read the same rules as roster.services.perform.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from . import guards, roles
from .states import PRE_CERT, TITLED, Status

S = Status


def _permission(name):
    def check(instance, user):
        return roles.may_take(user, name, instance.status, instance.is_own_unit(user))

    return check


def step(name, source, target):
    """A transition whose conditions and permission come from the guard and role tables."""
    return transition(
        field="status",
        source=source,
        target=target,
        conditions=guards.conditions(name),
        permission=_permission(name),
        custom={"article": ARTICLES.get(name, "")},
    )


# The article each transition carries out (recorded in the history of every move).
ARTICLES = {
    "start_unit_publicity": "第九条第二项",
    "submit": "第九条第二项",
    "reject_after_unit_publicity": "第九条第二项",
    "pass_qualification": "第九条第三项",
    "return_for_correction": "第九条第三项",
    "resubmit": "第九条第三项",
    "fail_qualification": "第九条第三项",
    "disqualify_for_fraud": "第九条第三项",
    "shortlist": "第九条第四项",
    "not_shortlist": "第九条第四项",
    "start_district_publicity": "第九条第五项",
    "start_inspection": "第九条第五项",
    "reject": "第九条第六项",
    "submit_to_leading_group": "第九条第六项",
    "submit_to_government": "第九条第六项",
    "certify": "第九条第六项",
    "withdraw": "第九条",
    "stop_benefits": "第十四条第二项",
    "resume_benefits": "第十四条第二项",
    "end_term": "第四条",
    "pass_term_evaluation": "第十四条第三项",
    "fail_term_evaluation": "第十四条第三项",
    "propose_revocation": "第十五条",
    "approve_revocation": "第十五条",
    "dismiss_revocation": "第十五条",
}

TRANSITION_LABELS = {
    "start_unit_publicity": "开始单位公示",
    "submit": "上报区选拔管理工作办公室",
    "reject_after_unit_publicity": "单位公示异议成立，不予推荐",
    "pass_qualification": "资格审查通过",
    "return_for_correction": "退回补正",
    "resubmit": "补正后重新上报",
    "fail_qualification": "资格审查不通过",
    "disqualify_for_fraud": "材料弄虚作假，取消申报资格",
    "shortlist": "列为建议人选",
    "not_shortlist": "未列为建议人选",
    "start_district_publicity": "开始区级公示",
    "start_inspection": "公示期满，组织实地考察",
    "reject": "不予通过",
    "submit_to_leading_group": "提交区人才工作领导小组研究",
    "submit_to_government": "研究通过，报区政府同意",
    "certify": "区政府同意，公布名单并颁发证书",
    "withdraw": "申报人书面申请撤回",
    "stop_benefits": "停止享受待遇",
    "resume_benefits": "恢复待遇（更正误停）",
    "end_term": "管理期满",
    "pass_term_evaluation": "期满评估合格",
    "fail_term_evaluation": "期满评估不合格",
    "propose_revocation": "提出取消资格",
    "approve_revocation": "批准取消资格",
    "dismiss_revocation": "驳回取消资格申请",
}

# Moves that need a written comment: every negative outcome, a correction of a stop, and every
# proposal, approval or dismissal of a revocation.
COMMENT_REQUIRED = {
    "reject_after_unit_publicity",
    "fail_qualification",
    "disqualify_for_fraud",
    "not_shortlist",
    "reject",
    "withdraw",
    "fail_term_evaluation",
    "resume_benefits",
    "propose_revocation",
    "approve_revocation",
    "dismiss_revocation",
    "return_for_correction",
}


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar date `years` later; 29 February becomes 28 February (Art 4 term)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class EntryLifecycle(ConcurrentTransitionMixin, models.Model):
    """Lifecycle fields and transitions of a roster entry; the concrete model supplies the relations
    (round, unit, person) and the record look-ups the guards use."""

    class InspectionResult(models.TextChoices):
        PENDING = "", "未考察"
        NO_OBJECTION = "no_objection", "无异议"
        OBJECTION = "objection", "有异议"

    class StopReason(models.TextChoices):
        LEFT_POST = "left_post", "不再从事技能或技术岗位工作（第十四条第二项）"
        MOVED_OUT = "moved_out", "调往区外（第十四条第二项）"
        CITY_CHIEF = "city_chief", "被选拔为市首席技师（第十条）"

    class TermEvaluation(models.TextChoices):
        NONE = "", "未评估"
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    status = FSMField("状态", default=S.DRAFT, choices=S.choices, protected=True, db_index=True)

    unit_publicity_start = models.DateField("单位公示首日", null=True, blank=True)
    unit_posted_on = models.DateField("申报单位公示日期", null=True, blank=True)
    district_publicity_start = models.DateField("区级公示首日", null=True, blank=True)
    inspection_result = models.CharField(
        "实地考察结果", max_length=20, choices=InspectionResult.choices, blank=True, default=""
    )
    inspection_note = models.TextField("考察情况", blank=True)

    certificate_number = models.CharField("证书编号", max_length=30, unique=True, null=True, blank=True)
    announcement_date = models.DateField("名单公布日期", null=True, blank=True)
    announcement_number = models.CharField("公布文号", max_length=60, blank=True)
    term_start = models.DateField("管理期起", null=True, blank=True)
    term_end = models.DateField("管理期止", null=True, blank=True)
    certificate_recalled = models.BooleanField("证书已收回", default=False)

    benefits_stop_reason = models.CharField(
        "停止待遇原因", max_length=20, choices=StopReason.choices, blank=True, default=""
    )
    benefits_stopped_on = models.DateField("停止待遇生效日期", null=True, blank=True)
    term_evaluation = models.CharField(
        "期满评估", max_length=10, choices=TermEvaluation.choices, blank=True, default=""
    )
    unit_responsible = models.BooleanField("单位负有责任", default=False)

    status_before_revocation = models.CharField("提出取消前状态", max_length=30, blank=True, default="")
    revocation_ground = models.PositiveSmallIntegerField("取消资格情形（第十五条）", null=True, blank=True)
    revocation_fact_date = models.DateField("事实发生日期", null=True, blank=True)
    revocation_statement = models.TextField("取消资格事实与理由", blank=True)
    revocation_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消资格提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_on = models.DateField("取消资格日期", null=True, blank=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # The status is protected: only transitions set it, so validation never writes it back.
        return super().clean_fields(exclude={*(exclude or ()), "status"})

    # ----- selection: unit level (Art 8, 9(2)) -----
    @step("start_unit_publicity", S.DRAFT, S.UNIT_PUBLICITY)
    def start_unit_publicity(self, first_day=None, **data):
        self.unit_publicity_start = first_day or timezone.localdate() + datetime.timedelta(days=1)

    @step("submit", S.UNIT_PUBLICITY, S.SUBMITTED)
    def submit(self, **data):
        pass

    @step("reject_after_unit_publicity", S.UNIT_PUBLICITY, S.NOT_RECOMMENDED)
    def reject_after_unit_publicity(self, **data):
        pass

    # ----- qualification review (Art 9(3)) -----
    @step("pass_qualification", S.SUBMITTED, S.QUALIFIED)
    def pass_qualification(self, **data):
        pass

    @step("return_for_correction", S.SUBMITTED, S.RETURNED)
    def return_for_correction(self, **data):
        pass

    @step("resubmit", S.RETURNED, S.SUBMITTED)
    def resubmit(self, **data):
        pass

    @step("fail_qualification", S.SUBMITTED, S.INELIGIBLE)
    def fail_qualification(self, **data):
        pass

    @step("disqualify_for_fraud", PRE_CERT, S.DISQUALIFIED)
    def disqualify_for_fraud(self, **data):
        pass

    # ----- expert review (Art 9(4)) -----
    @step("shortlist", S.QUALIFIED, S.SHORTLISTED)
    def shortlist(self, **data):
        pass

    @step("not_shortlist", S.QUALIFIED, S.NOT_SELECTED)
    def not_shortlist(self, **data):
        pass

    # ----- publicity and inspection (Art 9(5)) -----
    @step("start_district_publicity", S.SHORTLISTED, S.DISTRICT_PUBLICITY)
    def start_district_publicity(self, unit_posted_on=None, **data):
        if unit_posted_on:
            self.unit_posted_on = unit_posted_on
        self.district_publicity_start = self.round.district_publicity_first_day()

    @step("start_inspection", S.DISTRICT_PUBLICITY, S.INSPECTION)
    def start_inspection(self, **data):
        pass

    @step("reject", [S.DISTRICT_PUBLICITY, S.INSPECTION, S.LEADING_GROUP_REVIEW, S.GOVERNMENT_REVIEW], S.REJECTED)
    def reject(self, **data):
        pass

    # ----- approval and title (Art 9(6)) -----
    @step("submit_to_leading_group", S.INSPECTION, S.LEADING_GROUP_REVIEW)
    def submit_to_leading_group(self, **data):
        pass

    @step("submit_to_government", S.LEADING_GROUP_REVIEW, S.GOVERNMENT_REVIEW)
    def submit_to_government(self, **data):
        pass

    @step("certify", S.GOVERNMENT_REVIEW, S.ACTIVE)
    def certify(self, announcement_date=None, certificate_number=None, announcement_number="", **data):
        self.announcement_date = announcement_date
        self.announcement_number = announcement_number or ""
        self.certificate_number = (certificate_number or "").strip() or self.next_certificate_number()
        self.term_start = announcement_date
        self.term_end = add_years(announcement_date, self.round.rule_set.term_years)

    @step("withdraw", [S.DRAFT, S.UNIT_PUBLICITY, *PRE_CERT], S.WITHDRAWN)
    def withdraw(self, **data):
        pass

    # ----- management (Art 10, 14) -----
    @step("stop_benefits", S.ACTIVE, S.BENEFITS_STOPPED)
    def stop_benefits(self, reason=None, effective_date=None, **data):
        self.benefits_stop_reason = reason
        self.benefits_stopped_on = effective_date

    @step("resume_benefits", S.BENEFITS_STOPPED, S.ACTIVE)
    def resume_benefits(self, **data):
        self.benefits_stop_reason = ""
        self.benefits_stopped_on = None

    @step("end_term", [S.ACTIVE, S.BENEFITS_STOPPED], S.TERM_ENDED)
    def end_term(self, **data):
        pass

    @step("pass_term_evaluation", S.TERM_ENDED, S.TERM_PASSED)
    def pass_term_evaluation(self, **data):
        self.term_evaluation = self.TermEvaluation.PASS

    @step("fail_term_evaluation", S.TERM_ENDED, S.REVOKED)
    def fail_term_evaluation(self, unit_responsible=False, **data):
        self.term_evaluation = self.TermEvaluation.FAIL
        self.unit_responsible = bool(unit_responsible)
        self.revoked_on = timezone.localdate()
        self.certificate_recalled = True
        if self.unit_responsible:
            self.unit.ban(reason=f"{self.round.year}年度首席技师{self.person.name}期满评估不合格，单位负有责任")

    # ----- revocation (Art 15) -----
    @step("propose_revocation", TITLED, S.REVOCATION_PENDING)
    def propose_revocation(self, ground=None, fact_date=None, user=None, comment="", **data):
        self.status_before_revocation = self.status
        self.revocation_ground = int(ground)
        self.revocation_fact_date = fact_date
        self.revocation_statement = comment
        self.revocation_proposed_by = user

    @step("approve_revocation", S.REVOCATION_PENDING, S.REVOKED)
    def approve_revocation(self, **data):
        self.revoked_on = timezone.localdate()
        self.certificate_recalled = True

    @transition(
        field="status",
        source=S.REVOCATION_PENDING,
        target=RETURN_VALUE(*TITLED),
        permission=_permission("dismiss_revocation"),
        custom={"article": ARTICLES["dismiss_revocation"]},
    )
    def dismiss_revocation(self, **data):
        previous = self.status_before_revocation
        self.status_before_revocation = ""
        self.revocation_ground = None
        self.revocation_fact_date = None
        self.revocation_statement = ""
        self.revocation_proposed_by = None
        return previous
