"""State names of the entry lifecycle (SPEC §6): a contract shared with exports and tests."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    UNIT_PUBLICITY = "unit_publicity", "单位公示中"
    NOT_RECOMMENDED = "not_recommended", "未被推荐"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "退回补正"
    QUALIFIED = "qualified", "资格审查通过"
    INELIGIBLE = "ineligible", "资格审查未通过"
    DISQUALIFIED = "disqualified", "取消申报资格"
    SHORTLISTED = "shortlisted", "建议人选"
    NOT_SELECTED = "not_selected", "未入选"
    DISTRICT_PUBLICITY = "district_publicity", "区级公示中"
    INSPECTION = "inspection", "实地考察"
    REJECTED = "rejected", "未通过"
    LEADING_GROUP_REVIEW = "leading_group_review", "领导小组研究"
    GOVERNMENT_REVIEW = "government_review", "报区政府同意"
    ACTIVE = "active", "管理期内"
    WITHDRAWN = "withdrawn", "已撤回"
    BENEFITS_STOPPED = "benefits_stopped", "停止待遇"
    TERM_ENDED = "term_ended", "管理期满待评估"
    TERM_PASSED = "term_passed", "期满评估合格"
    REVOCATION_PENDING = "revocation_pending", "取消资格待批准"
    REVOKED = "revoked", "已取消资格"


S = Status


def state_label(value: str) -> str:
    """What staff read for a state's code name (history rows keep the code)."""
    return dict(Status.choices).get(value, value or "")


PRE_CERT = [
    S.SUBMITTED,
    S.RETURNED,
    S.QUALIFIED,
    S.SHORTLISTED,
    S.DISTRICT_PUBLICITY,
    S.INSPECTION,
    S.LEADING_GROUP_REVIEW,
    S.GOVERNMENT_REVIEW,
]
TITLED = [S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_ENDED, S.TERM_PASSED]
# Certified and not revoked: the title, or a pending proposal to revoke it.
CERTIFIED = [*TITLED, S.REVOCATION_PENDING]
# States that hold a place of the round's quota (Art 4): shortlisted and on the way to, or in, the title.
QUOTA_STATES = [
    S.SHORTLISTED,
    S.DISTRICT_PUBLICITY,
    S.INSPECTION,
    S.LEADING_GROUP_REVIEW,
    S.GOVERNMENT_REVIEW,
    *TITLED,
    S.REVOCATION_PENDING,
]
# A person with an entry in one of these may not apply again (SPEC §5 "person may apply").
BLOCKING_STATES = [
    S.DRAFT,
    S.UNIT_PUBLICITY,
    *PRE_CERT,
    S.ACTIVE,
    S.BENEFITS_STOPPED,
    S.TERM_ENDED,
    S.REVOCATION_PENDING,
]
NEGATIVE_STATES = [S.NOT_RECOMMENDED, S.INELIGIBLE, S.DISQUALIFIED, S.NOT_SELECTED, S.REJECTED, S.WITHDRAWN, S.REVOKED]
# The public roster (首席技师风采): chief technicians in their term, or whose term passed its evaluation.
PUBLIC_ROSTER_STATES = [S.ACTIVE, S.BENEFITS_STOPPED, S.REVOCATION_PENDING, S.TERM_PASSED]
# Certificate verification answers with one of three words (SPEC §8).
CERTIFICATE_STATUS = {
    **{s: "管理期内" for s in (S.ACTIVE, S.BENEFITS_STOPPED, S.REVOCATION_PENDING)},
    **{s: "期满" for s in (S.TERM_ENDED, S.TERM_PASSED)},
    S.REVOKED: "已取消",
}

BADGE_COLOURS = {
    **{s: "grey" for s in (S.DRAFT, S.RETURNED, S.WITHDRAWN)},
    **{s: "blue" for s in (S.UNIT_PUBLICITY, S.DISTRICT_PUBLICITY, S.SUBMITTED, S.INSPECTION)},
    **{s: "purple" for s in (S.QUALIFIED, S.SHORTLISTED, S.LEADING_GROUP_REVIEW, S.GOVERNMENT_REVIEW)},
    **{s: "green" for s in (S.ACTIVE, S.TERM_PASSED)},
    **{s: "orange" for s in (S.BENEFITS_STOPPED, S.TERM_ENDED, S.REVOCATION_PENDING)},
    **{s: "red" for s in NEGATIVE_STATES},
}


class InspectionResult(models.TextChoices):
    PENDING = "", "未考察"
    NO_OBJECTION = "no_objection", "无异议"
    OBJECTION = "objection", "有异议"


class StopReason(models.TextChoices):
    """Why benefits stop (Art 14(2), Art 10); each cites its article."""

    LEFT_POST = "left_post", "不再从事技能或技术岗位工作（第十四条第二项）"
    MOVED_OUT = "moved_out", "调往区外（第十四条第二项）"
    CITY_CHIEF = "city_chief", "被选拔为市首席技师（第十条）"


STOP_REASON_ARTICLES = {
    StopReason.LEFT_POST: "第十四条第二项",
    StopReason.MOVED_OUT: "第十四条第二项",
    StopReason.CITY_CHIEF: "第十条",
}


class TermEvaluation(models.TextChoices):
    NONE = "", "未评估"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class PublicityLevel(models.TextChoices):
    """The two publicity windows of Art 9: at the recommending unit and at district level."""

    UNIT = "unit", "单位公示（第九条第二项）"
    DISTRICT = "district", "区级公示（第九条第五项）"
