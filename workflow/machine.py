"""The entry lifecycle of SPEC §6 as a django-fsm-2 state machine: the body of each move.

An abstract model: roster.Entry inherits it. What a move is (label, source and target states, article,
roles, guards, comment, data) is declared once in workflow.transitions; `@move` wires that declaration
into django-fsm, so that its can_proceed and has_transition_perm read the same rules as
roster.services.perform. A method here only does what the move changes on the entry.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from .dates import validate_plausible
from .guards import unit_first_day
from .states import InspectionResult, Status, StopReason, TermEvaluation
from .transitions import TRANSITIONS, add_years, may_take

S = Status


def move(method):
    """Makes `method` the body of the declared move of the same name."""
    t = TRANSITIONS[method.__name__]
    return transition(
        field="status",
        source=list(t.source),
        target=RETURN_VALUE(*t.target) if isinstance(t.target, tuple) else t.target,
        conditions=[lambda instance, guard=guard: guard(instance) is None for guard in t.state_guards()],
        permission=lambda instance, user: may_take(user, t.name, instance.status, instance.is_own_unit(user)),
        custom={"article": t.article, "label": t.label},
    )(method)


class EntryLifecycle(ConcurrentTransitionMixin, models.Model):
    """Lifecycle fields and transitions of a roster entry; the concrete model supplies the relations
    (round, unit, person) and the record look-ups the guards use."""

    InspectionResult = InspectionResult
    StopReason = StopReason
    TermEvaluation = TermEvaluation

    status = FSMField("状态", default=S.DRAFT, choices=S.choices, protected=True, db_index=True)

    unit_publicity_start = models.DateField("单位公示首日", null=True, blank=True, validators=[validate_plausible])
    unit_posted_on = models.DateField("申报单位公示日期", null=True, blank=True, validators=[validate_plausible])
    district_publicity_start = models.DateField("区级公示首日", null=True, blank=True, validators=[validate_plausible])
    inspection_result = models.CharField(
        "实地考察结果", max_length=20, choices=InspectionResult.choices, blank=True, default=""
    )
    inspection_note = models.TextField("考察情况", blank=True)
    minute_number = models.CharField("领导小组会议纪要号", max_length=60, blank=True)

    certificate_number = models.CharField("证书编号", max_length=30, unique=True, null=True, blank=True)
    announcement_date = models.DateField("名单公布日期", null=True, blank=True, validators=[validate_plausible])
    announcement_number = models.CharField("公布文号", max_length=60, blank=True)
    term_start = models.DateField("管理期起", null=True, blank=True, validators=[validate_plausible])
    term_end = models.DateField("管理期止", null=True, blank=True, validators=[validate_plausible])
    certificate_recalled = models.BooleanField("证书已收回", default=False)

    benefits_stop_reason = models.CharField(
        "停止待遇原因", max_length=20, choices=StopReason.choices, blank=True, default=""
    )
    benefits_stopped_on = models.DateField("停止待遇生效日期", null=True, blank=True, validators=[validate_plausible])
    term_evaluation = models.CharField(
        "期满评估", max_length=10, choices=TermEvaluation.choices, blank=True, default=""
    )
    unit_responsible = models.BooleanField("单位负有责任", default=False)

    status_before_revocation = models.CharField("提出取消前状态", max_length=30, blank=True, default="")
    revocation_ground = models.PositiveSmallIntegerField("取消资格情形（第十五条）", null=True, blank=True)
    revocation_fact_date = models.DateField("事实发生日期", null=True, blank=True, validators=[validate_plausible])
    revocation_statement = models.TextField("取消资格事实与理由", blank=True)
    revocation_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取消资格提出人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_on = models.DateField("取消资格日期", null=True, blank=True, validators=[validate_plausible])
    # SPEC §4: what unit publicity made public; lists render this, not the person's current record.
    published_facts = models.JSONField("公示信息", default=dict, blank=True, editable=False)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # The status is protected: only transitions set it, so validation never writes it back.
        return super().clean_fields(exclude={*(exclude or ()), "status"})

    # ----- selection: unit level (Art 8, 9(2)) -----
    @move
    def start_unit_publicity(self, first_day=None, **data):
        self.unit_publicity_start = unit_first_day({"first_day": first_day})
        self.published_facts = self.facts_for_publication()

    @move
    def submit(self, **data):
        self.submitted_at = timezone.now()

    @move
    def reject_after_unit_publicity(self, **data):
        pass

    # ----- qualification review (Art 9(3)) -----
    @move
    def pass_qualification(self, **data):
        pass

    @move
    def return_for_correction(self, **data):
        pass

    @move
    def resubmit(self, **data):
        # The correction that return_for_correction allowed is what is published from now on.
        self.published_facts = self.facts_for_publication()

    @move
    def fail_qualification(self, **data):
        pass

    @move
    def disqualify_for_fraud(self, **data):
        pass

    # ----- expert review (Art 9(4)) -----
    @move
    def shortlist(self, **data):
        pass

    @move
    def not_shortlist(self, **data):
        pass

    # ----- publicity and inspection (Art 9(5)) -----
    @move
    def start_district_publicity(self, unit_posted_on=None, **data):
        if unit_posted_on:
            self.unit_posted_on = unit_posted_on
        self.district_publicity_start = self.district_notice().window_first_day()

    @move
    def start_inspection(self, **data):
        pass

    @move
    def reject(self, **data):
        pass

    # ----- approval and title (Art 9(6)) -----
    @move
    def submit_to_leading_group(self, **data):
        pass

    @move
    def submit_to_government(self, minute_number="", **data):
        self.minute_number = minute_number or ""

    @move
    def certify(self, announcement_date=None, certificate_number=None, announcement_number="", **data):
        self.announcement_date = announcement_date
        self.announcement_number = announcement_number or ""
        self.certificate_number = (certificate_number or "").strip() or self.next_certificate_number()
        self.term_start = announcement_date
        self.term_end = add_years(announcement_date, self.round.rule_set.term_years)

    @move
    def withdraw(self, **data):
        pass

    # ----- management (Art 10, 14) -----
    @move
    def stop_benefits(self, reason=None, effective_date=None, **data):
        self.benefits_stop_reason = reason
        self.benefits_stopped_on = effective_date

    @move
    def resume_benefits(self, **data):
        self.benefits_stop_reason = ""
        self.benefits_stopped_on = None

    @move
    def end_term(self, **data):
        pass

    @move
    def pass_term_evaluation(self, **data):
        self.term_evaluation = self.TermEvaluation.PASS

    @move
    def fail_term_evaluation(self, unit_responsible=False, **data):
        self.term_evaluation = self.TermEvaluation.FAIL
        self.unit_responsible = bool(unit_responsible)
        self.revoked_on = timezone.localdate()
        self.certificate_recalled = True
        if self.unit_responsible:
            self.unit.ban(reason=f"{self.round.year}年度首席技师{self.person.name}期满评估不合格，单位负有责任")

    # ----- revocation (Art 15) -----
    @move
    def propose_revocation(self, ground=None, fact_date=None, user=None, comment="", **data):
        self.status_before_revocation = self.status
        self.revocation_ground = int(ground)
        self.revocation_fact_date = fact_date
        self.revocation_statement = comment
        self.revocation_proposed_by = user

    @move
    def approve_revocation(self, **data):
        self.revoked_on = timezone.localdate()
        self.certificate_recalled = True

    @move
    def dismiss_revocation(self, **data):
        previous = self.status_before_revocation
        self.status_before_revocation = ""
        self.revocation_ground = None
        self.revocation_fact_date = None
        self.revocation_statement = ""
        self.revocation_proposed_by = None
        return previous


_bodies = {name for name in TRANSITIONS if callable(getattr(EntryLifecycle, name, None))}
assert _bodies == set(TRANSITIONS), f"moves declared without a body: {sorted(set(TRANSITIONS) - _bodies)}"
