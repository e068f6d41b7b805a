"""The roles of SPEC §1, each a Django group (created by home/migrations/0002)."""

RECOMMENDER = "推荐单位经办人"
OFFICE = "区选拔管理工作办公室"
EXPERT = "评审专家"
LEADING_GROUP = "区人才工作领导小组"
EDITOR = "网站编辑"
FINANCE = "财政"

ALL_ROLES = (RECOMMENDER, OFFICE, EXPERT, LEADING_GROUP, EDITOR, FINANCE)

# Who may take each transition (SPEC §6). A transition maps to (sources, roles) rows; `None` as the
# sources means every source of that transition. A 推荐单位经办人 acts only on its own unit's entries.
# A Django superuser may take any transition.
_SELF_WITHDRAW = ("draft", "returned", "unit_publicity")
TRANSITION_ROLES: dict[str, list[tuple[tuple[str, ...] | None, tuple[str, ...]]]] = {
    "start_unit_publicity": [(None, (RECOMMENDER,))],
    "submit": [(None, (RECOMMENDER,))],
    "reject_after_unit_publicity": [(None, (RECOMMENDER,))],
    "resubmit": [(None, (RECOMMENDER,))],
    "withdraw": [(_SELF_WITHDRAW, (RECOMMENDER,)), (None, (OFFICE,))],
    "pass_qualification": [(None, (OFFICE,))],
    "return_for_correction": [(None, (OFFICE,))],
    "fail_qualification": [(None, (OFFICE,))],
    "disqualify_for_fraud": [(None, (OFFICE,))],
    "shortlist": [(None, (OFFICE,))],
    "not_shortlist": [(None, (OFFICE,))],
    "start_district_publicity": [(None, (OFFICE,))],
    "start_inspection": [(None, (OFFICE,))],
    "reject": [(("leading_group_review",), (LEADING_GROUP,)), (None, (OFFICE,))],
    "submit_to_leading_group": [(None, (OFFICE,))],
    "submit_to_government": [(None, (LEADING_GROUP,))],
    "certify": [(None, (OFFICE,))],
    "stop_benefits": [(None, (OFFICE,))],
    "resume_benefits": [(None, (OFFICE,))],
    "end_term": [(None, (OFFICE,))],
    "pass_term_evaluation": [(None, (OFFICE,))],
    "fail_term_evaluation": [(None, (OFFICE,))],
    "propose_revocation": [(None, (OFFICE, RECOMMENDER))],
    "approve_revocation": [(None, (OFFICE,))],
    "dismiss_revocation": [(None, (OFFICE,))],
}


def roles_for(name: str, source: str) -> tuple[str, ...]:
    """The roles that may take transition `name` from state `source` (first matching row wins)."""
    for sources, allowed in TRANSITION_ROLES.get(name, []):
        if sources is None or source in sources:
            return allowed
    return ()


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._portal_roles = cached
    return cached


def may_take(user, name: str, source: str, own_unit: bool) -> bool:
    """Whether `user` may take `name` from `source`; `own_unit` says the entry is of the user's unit."""
    if not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    mine = user_roles(user)
    for role in roles_for(name, source):
        if role in mine and (role != RECOMMENDER or own_unit):
            return True
    return False
