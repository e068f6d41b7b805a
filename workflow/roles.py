"""The roles of SPEC §1, each a Django group (created by home/migrations/0002)."""

RECOMMENDER = "推荐单位经办人"
OFFICE = "区选拔管理工作办公室"
EXPERT = "评审专家"
LEADING_GROUP = "区人才工作领导小组"
EDITOR = "网站编辑"
FINANCE = "财政"

ALL_ROLES = (RECOMMENDER, OFFICE, EXPERT, LEADING_GROUP, EDITOR, FINANCE)


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._portal_roles = cached
    return cached
