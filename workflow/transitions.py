"""Every move of the entry lifecycle (SPEC §6), declared once.

One `Transition` per move holds all its facts: the label staff read, source and target states, the
article it carries out (the canonical 2020 citation), who may take it from which state, the guards it
runs, whether it needs a written comment, the data it takes, and whether it is someone's task on the
dashboard. The state machine (workflow.machine), `roster.services.perform`, the move forms, the
dashboard, the demo and test seeding and the 条款与规则对照 page all read this table.

To add a move: declare it here, write its body in workflow.machine (a method of the same name), and
test it.
"""

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.core.validators import RegexValidator

from . import articles, dates, roles
from . import guards as g
from .roles import LEADING_GROUP, OFFICE, RECOMMENDER
from .states import PRE_CERT, TITLED, Status, StopReason

S = Status

# `roles` rows: (sources, roles); `ANY` as the sources means every source of the move. The first row
# whose sources hold the entry's state decides. A 推荐单位经办人 acts only on its own unit's entries; a
# Django superuser may take any move.
ANY = None
Roles = tuple[tuple[tuple[str, ...] | None, tuple[str, ...]], ...]


def _date(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(
            attrs={"type": "date", "min": dates.EARLIEST.isoformat(), "max": dates.LATEST.isoformat()}
        ),
        validators=[dates.validate_plausible],
    )


@dataclass(frozen=True)
class Transition:
    label: str
    source: tuple[str, ...]
    target: str | tuple[str, ...]  # a tuple: the body returns which of these states (the one it came from)
    article: str
    roles: Roles
    guards: tuple = ()
    comment_required: bool = False
    # The form fields of the data the move takes besides the comment (SPEC §11 keyword data).
    fields: Callable[[], dict[str, forms.Field]] = dict
    # Whether an entry waiting in a source state is a task of the roles that may take it (dashboard).
    task: bool = True
    # Serialise the move per round (guards that count the round's entries, e.g. the quota).
    lock_round: bool = False
    # What a unique-constraint failure during the move means to the user.
    conflict: str = ""
    # A move that ends or cancels a case: what follows, named in the confirmation before it is taken.
    consequence: str = ""
    # Offered as a batch over selected entries (each still taken alone, with its own guards).
    batch: bool = False
    # Who is told of the move besides the entry's own unit (whose recommenders hear of every move), and
    # as which kind of message (roster.inbox.Event), so each user's delivery preference applies.
    tells: tuple[str, ...] = ()
    told_as: str = ""
    name: str = field(default="", compare=False)

    @property
    def dangerous(self) -> bool:
        return bool(self.consequence)

    @property
    def targets(self) -> tuple[str, ...]:
        return self.target if isinstance(self.target, tuple) else (self.target,)

    def roles_from(self, source: str) -> tuple[str, ...]:
        for sources, allowed in self.roles:
            if sources is ANY or source in sources:
                return allowed
        return ()

    def state_guards(self) -> list:
        """Guards that read only the entry (drawn with the list of moves); the others check submitted data."""
        return [guard for guard in self.guards if not guard.on_submit]

    def first_refusal(self, entry, data: dict | None = None, *, include_submit: bool = True) -> g.Refusal | None:
        for value in (data or {}).values():
            if reason := dates.implausible(value):
                return g.Refusal(reason, "")
        for guard in self.guards if include_submit else self.state_guards():
            refusal = guard(entry, data)
            if refusal is not None:
                return refusal
        return None


OFFICE_ONLY: Roles = ((ANY, (OFFICE,)),)
RECOMMENDER_ONLY: Roles = ((ANY, (RECOMMENDER,)),)


# The district's certificate numbers: SZSX-<round year>-<serial> (Entry.next_certificate_number).
CERTIFICATE_NUMBER = RegexValidator(
    r"^SZSX-\d{4}-\d{3,4}$", "证书编号格式应为“SZSX-年度-序号”，如 SZSX-2026-001；留空则自动编号。"
)
_REVOCATION_GROUND_CHOICES = [(k, f"{articles.item(k)}：{v}") for k, v in g.REVOCATION_GROUNDS.items()]

_TRANSITIONS = dict(
    # ----- selection at the unit (Art 8, 9(2)) -----
    start_unit_publicity=Transition(
        "开始单位公示",
        (S.DRAFT,),
        S.UNIT_PUBLICITY,
        "第九条第二项",
        RECOMMENDER_ONLY,
        guards=(
            g.materials_complete,
            g.eligibility_checks_pass,
            g.consent_recorded,
            g.first_day_not_past,
            g.unit_window_computable,
        ),
        fields=lambda: {"first_day": _date("单位公示首日", required=False, help_text="留空为明天")},
    ),
    submit=Transition(
        "上报区选拔管理工作办公室",
        (S.UNIT_PUBLICITY,),
        S.SUBMITTED,
        "第九条第二项",
        RECOMMENDER_ONLY,
        guards=(g.unit_not_banned, g.unit_publicity_ended, g.no_open_unit_objection),
        tells=(OFFICE,),
        told_as="submitted",
    ),
    reject_after_unit_publicity=Transition(
        "单位公示异议成立，不予推荐",
        (S.UNIT_PUBLICITY,),
        S.NOT_RECOMMENDED,
        "第九条第二项",
        RECOMMENDER_ONLY,
        guards=(g.unit_objection_upheld,),
        comment_required=True,
        consequence="本轮申报到此终止，单位不再推荐此人，不能恢复。",
    ),
    # ----- qualification review (Art 9(3)) -----
    pass_qualification=Transition("资格审查通过", (S.SUBMITTED,), S.QUALIFIED, "第九条第三项", OFFICE_ONLY, batch=True),
    return_for_correction=Transition(
        "退回补正", (S.SUBMITTED,), S.RETURNED, "第九条第三项", OFFICE_ONLY, comment_required=True
    ),
    resubmit=Transition(
        "补正后重新上报",
        (S.RETURNED,),
        S.SUBMITTED,
        "第九条第三项",
        RECOMMENDER_ONLY,
        guards=(g.unit_not_banned, g.materials_complete),
        tells=(OFFICE,),
        told_as="submitted",
    ),
    fail_qualification=Transition(
        "资格审查不通过",
        (S.SUBMITTED,),
        S.INELIGIBLE,
        "第九条第三项",
        OFFICE_ONLY,
        comment_required=True,
        consequence="本轮申报到此终止，不能恢复；如只是材料不全，请改用“退回补正”。",
    ),
    disqualify_for_fraud=Transition(
        "材料弄虚作假，取消申报资格",
        tuple(PRE_CERT),
        S.DISQUALIFIED,
        "第九条第三项",
        OFFICE_ONLY,
        comment_required=True,
        task=False,
        consequence="申报资格被取消，本轮申报到此终止，不能恢复。",
    ),
    # ----- expert review (Art 9(4)) -----
    shortlist=Transition(
        "列为建议人选",
        (S.QUALIFIED,),
        S.SHORTLISTED,
        "第九条第四项",
        OFFICE_ONLY,
        guards=(g.expert_review_recorded, g.within_quota),
        lock_round=True,
    ),
    not_shortlist=Transition(
        "未列为建议人选",
        (S.QUALIFIED,),
        S.NOT_SELECTED,
        "第九条第四项",
        OFFICE_ONLY,
        comment_required=True,
        consequence="此人本轮未入选，申报到此终止，不能恢复。",
    ),
    # ----- publicity and inspection (Art 9(5)) -----
    start_district_publicity=Transition(
        "开始区级公示",
        (S.SHORTLISTED,),
        S.DISTRICT_PUBLICITY,
        "第九条第五项",
        OFFICE_ONLY,
        guards=(g.listed_on_live_notice, g.district_window_computable, g.unit_posting_recorded),
        fields=lambda: {"unit_posted_on": _date("名单在申报单位公示（张贴）的日期")},
    ),
    start_inspection=Transition(
        "公示期满，组织实地考察",
        (S.DISTRICT_PUBLICITY,),
        S.INSPECTION,
        "第九条第五项",
        OFFICE_ONLY,
        guards=(g.district_publicity_ended, g.no_open_district_objection),
        batch=True,
    ),
    reject=Transition(
        "不予通过",
        (S.DISTRICT_PUBLICITY, S.INSPECTION, S.LEADING_GROUP_REVIEW, S.GOVERNMENT_REVIEW),
        S.REJECTED,
        "第九条第六项",
        (((S.LEADING_GROUP_REVIEW,), (LEADING_GROUP,)), (ANY, (OFFICE,))),
        comment_required=True,
        consequence="此人本轮不予通过，申报到此终止，不能恢复。",
    ),
    # ----- approval and title (Art 9(6)) -----
    submit_to_leading_group=Transition(
        "提交区人才工作领导小组研究",
        (S.INSPECTION,),
        S.LEADING_GROUP_REVIEW,
        "第九条第六项",
        OFFICE_ONLY,
        guards=(g.inspection_without_objection, g.no_open_objection),
        tells=(LEADING_GROUP,),
        told_as="list_submitted",
    ),
    submit_to_government=Transition(
        "研究通过，报区政府同意",
        (S.LEADING_GROUP_REVIEW,),
        S.GOVERNMENT_REVIEW,
        "第九条第六项",
        ((ANY, (LEADING_GROUP,)),),
        fields=lambda: {
            "minute_number": forms.CharField(label="会议纪要号", required=False, max_length=60),
        },
        batch=True,
        tells=(OFFICE,),
        told_as="list_approved",
    ),
    certify=Transition(
        "区政府同意，公布名单并颁发证书",
        (S.GOVERNMENT_REVIEW,),
        S.ACTIVE,
        "第九条第六项",
        OFFICE_ONLY,
        guards=(g.announcement_recorded,),
        fields=lambda: {
            "announcement_date": _date("区政府办公室发文公布名单的日期"),
            "announcement_number": forms.CharField(label="公布文号", required=False, max_length=60),
            "certificate_number": forms.CharField(
                label="证书编号",
                required=False,
                max_length=30,
                help_text="留空则按 SZSX-年度-序号 自动编号",
                validators=[CERTIFICATE_NUMBER],
            ),
        },
        conflict="证书编号已被使用，请更换后重试",
    ),
    withdraw=Transition(
        "申报人书面申请撤回",
        (S.DRAFT, S.UNIT_PUBLICITY, *PRE_CERT),
        S.WITHDRAWN,
        "第九条",
        (((S.DRAFT, S.RETURNED, S.UNIT_PUBLICITY), (RECOMMENDER,)), (ANY, (OFFICE,))),
        comment_required=True,
        task=False,
        consequence="申报撤回后本轮到此终止，不能恢复；此人可在以后的批次重新申报。",
    ),
    # ----- management (Art 10, 14) -----
    stop_benefits=Transition(
        "停止享受待遇",
        (S.ACTIVE,),
        S.BENEFITS_STOPPED,
        "第十四条第二项",
        OFFICE_ONLY,
        guards=(g.stop_reason_valid,),
        fields=lambda: {
            "reason": forms.ChoiceField(label="原因", choices=StopReason.choices),
            "effective_date": _date("生效日期"),
        },
        task=False,
    ),
    resume_benefits=Transition(
        "恢复待遇（更正误停）",
        (S.BENEFITS_STOPPED,),
        S.ACTIVE,
        "第十四条第二项",
        OFFICE_ONLY,
        comment_required=True,
        task=False,
    ),
    end_term=Transition(
        "管理期满", (S.ACTIVE, S.BENEFITS_STOPPED), S.TERM_ENDED, "第四条", OFFICE_ONLY, guards=(g.term_due,)
    ),
    pass_term_evaluation=Transition("期满评估合格", (S.TERM_ENDED,), S.TERM_PASSED, "第十四条第三项", OFFICE_ONLY),
    fail_term_evaluation=Transition(
        "期满评估不合格",
        (S.TERM_ENDED,),
        S.REVOKED,
        "第十四条第三项",
        OFFICE_ONLY,
        comment_required=True,
        fields=lambda: {
            "unit_responsible": forms.BooleanField(label="单位负有责任（取消单位申报资格）", required=False)
        },
        consequence="首席技师资格被取消，证书收回，停止享受待遇，不能恢复。",
    ),
    # ----- revocation (Art 15) -----
    propose_revocation=Transition(
        "提出取消资格",
        tuple(TITLED),
        S.REVOCATION_PENDING,
        "第十五条",
        ((ANY, (OFFICE, RECOMMENDER)),),
        guards=(g.revocation_ground_valid,),
        comment_required=True,
        consequence="提出后由另一名办公室工作人员批准或驳回；批准后首席技师资格即被取消，证书收回。",
        fields=lambda: {
            "ground": forms.TypedChoiceField(label="第十五条情形", coerce=int, choices=_REVOCATION_GROUND_CHOICES),
            "fact_date": _date("事实发生日期", required=False, help_text="第四项可不填"),
        },
        task=False,
        tells=(OFFICE,),
        told_as="revocation",
    ),
    approve_revocation=Transition(
        "批准取消资格",
        (S.REVOCATION_PENDING,),
        S.REVOKED,
        "第十五条",
        OFFICE_ONLY,
        guards=(g.approver_is_not_proposer,),
        comment_required=True,
        consequence="首席技师资格被取消，证书收回，停止享受待遇，不能恢复。",
    ),
    dismiss_revocation=Transition(
        "驳回取消资格申请", (S.REVOCATION_PENDING,), tuple(TITLED), "第十五条", OFFICE_ONLY, comment_required=True
    ),
)

TRANSITIONS: dict[str, Transition] = {name: dataclasses.replace(t, name=name) for name, t in _TRANSITIONS.items()}
del _TRANSITIONS


def may_take(user, name: str, source: str, own_unit: bool) -> bool:
    """Whether `user` may take move `name` from `source`; `own_unit` says the entry is of the user's unit."""
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    mine = roles.user_roles(user)
    return any(role in mine and (role != RECOMMENDER or own_unit) for role in TRANSITIONS[name].roles_from(source))


def leaving(state: str) -> list[Transition]:
    """The moves that leave `state`, in the order of the table."""
    return [t for t in TRANSITIONS.values() if state in t.source]


def path_to(state: str) -> list[tuple[str, str, str]]:
    """[(move, source, target)]: a shortest legal path from draft to `state`, used to build entries as
    they stand in `state` (demo, tests, benchmark). Of two equally short paths, the one whose last move
    is declared later wins: 已取消资格 is reached by an Art 15 revocation rather than a failed 期满评估."""
    order = list(TRANSITIONS)
    paths = {S.DRAFT: []}
    frontier = [S.DRAFT]
    while frontier and state not in paths:
        found: dict[str, list] = {}
        for current in frontier:
            for t in leaving(current):
                if isinstance(t.target, tuple):
                    continue  # a move back to the state the entry came from leads nowhere new
                best = found.get(t.target)
                if t.target not in paths and (best is None or order.index(t.name) > order.index(best[-1][0])):
                    found[t.target] = [*paths[current], (t.name, current, t.target)]
        paths.update(found)
        frontier = list(found)
    if state not in paths:
        raise ValueError(f"no legal path to {state}")
    return paths[state]


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar date `years` later; 29 February becomes 28 February (Art 4 term)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def mermaid() -> str:
    """The state diagram as Mermaid text, drawn from this table (docs/architecture.md embeds it)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for t in TRANSITIONS.values():
        for source in t.source:
            for target in t.targets:
                lines.append(f"    {source} --> {target}: {t.name}")
    return "\n".join(lines)
