"""Who may do what besides moving an entry (SPEC §1, §9): one table of powers.

Each power lists grants: the roles it is given to, the scope (any row; the entries of the user's own
unit; the entries of rounds the expert is assigned to) and, where it matters, the entry states in which
it holds. Views, templates, menus and the dashboard ask `may(user, power, entry)`; the moves themselves
are declared in workflow.transitions. Works on any entry-like object through `status`,
`is_own_unit(user)`, `is_assigned_expert(user)` and `is_free_expert(user)`; it does not import roster.

To add a power: add one row here and ask `may()` where it is used.
"""

from dataclasses import dataclass

from . import roles
from .roles import EDITOR, EXPERT, FINANCE, LEADING_GROUP, OFFICE, RECOMMENDER
from .states import CERTIFIED, Status

S = Status

# FREE_EXPERT: assigned to the entry's round, not of the entry's unit, and no 回避 declared (Art 9(4)).
ANY, OWN_UNIT, ASSIGNED, FREE_EXPERT = "any", "own_unit", "assigned", "free_expert"


@dataclass(frozen=True)
class Grant:
    roles: tuple[str, ...]
    scope: str = ANY
    states: tuple[str, ...] | None = None  # None: in any state, or without an entry


@dataclass(frozen=True)
class Power:
    label: str
    grants: tuple[Grant, ...]
    superuser: bool = True  # a Django superuser holds it (not a power tied to one's own person, like scoring)


ALL_ROWS = (OFFICE, LEADING_GROUP)
EVALUATION_STATES = (S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_ENDED, S.REVOCATION_PENDING)

POWERS: dict[str, Power] = {
    # --- what a user sees ---
    "see_all_rows": Power("查看全部单位的记录", (Grant(ALL_ROWS),)),
    # Full numbers on the record page, the edit form and the 申报表 (each view logged); lists mask them
    # for everyone; finance reads them only on an approved payment sheet (roster.allowance).
    "see_personal_numbers": Power("查看完整身份证号和电话", (Grant((OFFICE,)), Grant((RECOMMENDER,), OWN_UNIT))),
    "view_audit_log": Power("查看个人信息访问记录与安全事件记录", (Grant((OFFICE,)),)),
    "reset_second_factor": Power("重置他人的双因素认证", (Grant((OFFICE,)),)),
    # Failed mails are the office's to see and send again (issue 13).
    "see_mail_log": Power("查看邮件发送记录", (Grant((OFFICE,)),)),
    "see_dashboard": Power("工作台待办", (Grant((RECOMMENDER, OFFICE, EXPERT, LEADING_GROUP)),)),
    # An expert reads only its own scores (on the entry page); the office reads every expert's.
    "see_scores": Power("查看全部专家评分", (Grant((OFFICE,)),)),
    "see_experts": Power("查看评审专家名单", (Grant(ALL_ROWS),)),
    "view_traceability": Power("条款与规则对照", (Grant(ALL_ROWS),)),
    "view_statistics": Power("统计分析", (Grant(ALL_ROWS),)),
    "view_round_review": Power("专家评审结果", (Grant(ALL_ROWS),)),
    # Wagtail's site history: roster records in it only for ALL_ROWS (roster.views.site_history).
    "view_site_history": Power("查看网站操作记录", (Grant((*ALL_ROWS, EDITOR)),)),
    # --- records added along the way ---
    "manage_rules": Power("维护规则集与工作日历", (Grant((OFFICE,)),)),
    "correct_person": Power("更正已进入公示的技能人才信息", (Grant((OFFICE,)),)),
    "add_objection": Power(
        "登记异议",
        (
            Grant((OFFICE,), states=(S.UNIT_PUBLICITY, S.DISTRICT_PUBLICITY)),
            Grant((RECOMMENDER,), OWN_UNIT, states=(S.UNIT_PUBLICITY,)),
        ),
    ),
    "decide_objection": Power("处理异议", (Grant((OFFICE,)),)),
    "score": Power("专家评分", (Grant((EXPERT,), FREE_EXPERT, states=(S.QUALIFIED,)),), superuser=False),
    "declare_recusal": Power("声明回避", (Grant((EXPERT,), ASSIGNED, states=(S.QUALIFIED,)),), superuser=False),
    "record_inspection": Power("记录实地考察结果", (Grant((OFFICE,), states=(S.INSPECTION,)),)),
    "add_evaluation": Power("记录跟踪评估", (Grant((OFFICE,), states=EVALUATION_STATES),)),
    "add_revocation_files": Power(
        "上传取消资格证明材料",
        (Grant((OFFICE,), states=tuple(CERTIFIED)), Grant((RECOMMENDER,), OWN_UNIT, states=tuple(CERTIFIED))),
    ),
    # --- documents and exports ---
    "export_roster": Power("导出名册与候选人", (Grant((*ALL_ROWS, RECOMMENDER)),)),
    # The 申报表 read in the browser (numbers masked unless `see_personal_numbers`); experts read the
    # applications of the rounds they review (Art 9(4)).
    "read_application": Power(
        "阅读申报表",
        (Grant(ALL_ROWS), Grant((RECOMMENDER,), OWN_UNIT), Grant((EXPERT,), ASSIGNED)),
    ),
    "print_application_form": Power("打印申报表", (Grant((OFFICE,)), Grant((RECOMMENDER,), OWN_UNIT))),
    "print_certificate": Power("打印证书", (Grant((OFFICE,), states=tuple(CERTIFIED)),)),
    # --- allowance runs (Art 10) ---
    "view_allowance": Power("查看津贴发放", (Grant((OFFICE, FINANCE)),)),
    "compute_allowance": Power("计算津贴发放", (Grant((OFFICE,)),)),
    "approve_allowance": Power("批准津贴发放", (Grant((OFFICE,)),)),
    "download_allowance": Power("下载津贴发放表", (Grant((OFFICE, FINANCE)),)),
    # Finance pays only what a second office user approved: runs still being computed stay in the office.
    # The payee's bank and account: entered and read in full by the office only (SPEC §2, §7).
    "keep_payee_data": Power("登记和查看津贴收款账户", (Grant((OFFICE,)),)),
    "see_unapproved_allowance": Power("查看未批准的津贴发放", (Grant((OFFICE,)),)),
}


def _holds(grant: Grant, user, mine: set[str], entry) -> bool:
    if not mine.intersection(grant.roles):
        return False
    if grant.states is not None and (entry is None or entry.status not in grant.states):
        return False
    if grant.scope == OWN_UNIT:
        return entry is not None and entry.is_own_unit(user)
    if grant.scope == ASSIGNED:
        return entry is not None and entry.is_assigned_expert(user)
    if grant.scope == FREE_EXPERT:
        return entry is not None and entry.is_free_expert(user)
    return True


def may(user, power: str, entry=None) -> bool:
    """Whether `user` holds `power` (on `entry`, when the power depends on the entry)."""
    definition = POWERS[power]
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser and definition.superuser:
        return True
    mine = roles.user_roles(user)
    return any(_holds(grant, user, mine, entry) for grant in definition.grants)
