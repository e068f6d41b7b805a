"""Guards: one small function per rule, each returning None (the move may happen) or a Refusal with a
Chinese reason and the article it applies. workflow.transitions says which guards each move runs; the
admin, `available()`, django-fsm's `can_proceed` and the tests all read that one declaration.

Guards taking `data` check what the user submits with the move (dates, numbers, grounds); they run
when the move is submitted, not when the list of available moves is drawn.
"""

import datetime
from typing import NamedTuple

from django.utils import timezone

from . import articles, eligibility, workdays
from .errors import CalendarUnknown
from .states import QUOTA_STATES, STOP_REASON_ARTICLES


class Refusal(NamedTuple):
    reason: str
    article: str


def guard(article: str, *, on_submit: bool = False):
    """Marks a guard with the article it applies; a plain string returned becomes a Refusal."""

    def decorate(fn):
        def run(entry, data=None):
            result = fn(entry, data or {}) if on_submit else fn(entry)
            if result is None or isinstance(result, Refusal):
                return result
            return Refusal(result, article)

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        run.article = article
        run.on_submit = on_submit
        return run

    return decorate


def _today() -> datetime.date:
    return timezone.localdate()


def _window_ended(start, days, what, article):
    if start is None:
        return Refusal(f"{what}尚未开始", article)
    try:
        end = workdays.window_end(start, days)
    except CalendarUnknown as exc:
        return Refusal(str(exc), article)
    if _today() <= end:
        return Refusal(f"{what}（{days}个工作日，{start:%Y-%m-%d}至{end:%Y-%m-%d}）尚未结束", article)
    return None


# --- selection (Art 6–9) ---


@guard("第九条第二项")
def materials_complete(entry):
    """申报材料齐全：申报表、事迹材料、证明材料。"""
    line = next(c for c in eligibility.checklist(entry) if c.key == "materials")
    if line.status == eligibility.FAIL:
        return line.reason


@guard("第七条")
def eligibility_checks_pass(entry):
    """资格条件符合（硬性条件通过，软性条件已书面说明）。"""
    line = eligibility.blocking_line(entry)
    if line is not None:
        return Refusal(f"{line.label}：{line.reason}", line.article)


@guard("个人信息保护法第二十五条")
def consent_recorded(entry):
    """已取得申报人同意公示其信息的书面意见。"""
    if not entry.consent_to_publication:
        return "未记录申报人同意公开其姓名、单位、事迹等信息的书面意见，不能公示"


def unit_first_day(data) -> datetime.date:
    """The first day of the unit publicity: the one given, else tomorrow (SPEC §3)."""
    return data.get("first_day") or _today() + datetime.timedelta(days=1)


@guard("第九条第二项", on_submit=True)
def first_day_not_past(entry, data):
    """单位公示首日为今天或以后。"""
    first_day = data.get("first_day")
    if first_day is not None and first_day < _today():
        return f"公示首日（{first_day:%Y-%m-%d}）不能早于今天"


@guard("第九条第二项", on_submit=True)
def unit_window_computable(entry, data):
    """单位公示期能按官方节假日安排算出（缺少该年安排时不能开始公示）。"""
    try:
        workdays.window_end(unit_first_day(data), entry.round.rule_set.unit_publicity_days)
    except CalendarUnknown as exc:
        return f"无法开始单位公示：{exc}"


@guard("第十四条第三项")
def unit_not_banned(entry):
    """推荐单位未因期满评估不合格被取消申报资格。"""
    if entry.unit.banned:
        return f"推荐单位“{entry.unit.name}”已被取消申报资格，不能上报"


@guard("第九条第二项")
def unit_publicity_ended(entry):
    """单位公示5个工作日已期满。"""
    rules = entry.round.rule_set
    return _window_ended(entry.unit_publicity_start, rules.unit_publicity_days, "单位公示期", "第九条第二项")


@guard("第九条第二项")
def no_open_unit_objection(entry):
    """单位公示期间无未处理的异议。"""
    if entry.has_open_objection("unit"):
        return "单位公示期间的异议尚未处理完毕"


@guard("第九条第二项")
def unit_objection_upheld(entry):
    """单位公示期间有异议经核实成立。"""
    if not entry.has_upheld_objection("unit"):
        return "没有经核实成立的单位公示异议"


@guard("第九条第四项")
def expert_review_recorded(entry):
    """专家评审已记录：至少一份评分，并对第七条第一至四项逐项给出意见。"""
    if not entry.has_expert_review():
        return "尚无专家评审记录（须有评分并对第七条第一至四项逐项给出意见）"


@guard("第四条")
def within_quota(entry):
    """本批次建议人选及以后各环节人数不超过名额。"""
    round_ = entry.round
    taken = round_.entries.filter(status__in=QUOTA_STATES).exclude(pk=entry.pk).count()
    if taken >= round_.quota:
        return f"本批次名额为{round_.quota}人，已有{taken}人进入建议人选及以后环节"


@guard("第九条第五项")
def listed_on_live_notice(entry):
    """本人已列入在区人民政府网站（本门户）发布的区级公示名单。"""
    if entry.district_notice() is None:
        return "本人尚未列入已发布的区级公示名单；公示名单在发布时确定，之后列为人选的须发布补充公示"


@guard("第九条第五项")
def district_window_computable(entry):
    """区级公示期能按官方节假日安排算出（缺少该年安排时不能开始公示）。"""
    first_day = entry.district_publicity_first_day()
    if first_day is None:
        return None
    try:
        workdays.window_end(first_day, entry.round.rule_set.district_publicity_days)
    except CalendarUnknown as exc:
        return f"无法开始区级公示：{exc}"


@guard("第九条第五项", on_submit=True)
def unit_posting_recorded(entry, data):
    """已记录在申报单位张贴公示的日期。"""
    posted = data.get("unit_posted_on") or entry.unit_posted_on
    if posted is None:
        return "请填写名单在申报单位公示（张贴）的日期"
    if posted > _today():
        return "申报单位公示日期不能晚于今天"
    first = entry.district_publicity_first_day()
    if first and posted > first:
        return f"申报单位公示日期不能晚于区级公示首日（{first:%Y-%m-%d}）"


@guard("第九条第五项")
def district_publicity_ended(entry):
    """区级公示5个工作日已期满（列入本人的公示仍在网上发布）。"""
    first_day = entry.district_publicity_first_day()
    if first_day is None:
        return "列入本人的区级公示已撤下，公示中断；须发布新的公示列入本人并重新计算公示期"
    rules = entry.round.rule_set
    return _window_ended(first_day, rules.district_publicity_days, "区级公示期", "第九条第五项")


@guard("第九条第五项")
def no_open_district_objection(entry):
    """区级公示期间无未处理的异议。"""
    if entry.has_open_objection("district"):
        return "区级公示期间的异议尚未处理完毕"


@guard("第九条第六项")
def inspection_without_objection(entry):
    """实地考察结果为无异议。"""
    if entry.inspection_result != "no_objection":
        return "实地考察结果尚未记录为“无异议”"


@guard("第九条第六项")
def no_open_objection(entry):
    """没有未处理的异议。"""
    if entry.has_open_objection(None):
        return "仍有未处理的异议"


@guard("第九条第六项", on_submit=True)
def announcement_recorded(entry, data):
    """已记录区政府办公室发文公布名单的日期；证书编号唯一。"""
    day = data.get("announcement_date")
    if day is None:
        return "请填写区政府办公室发文公布名单的日期"
    if day > _today():
        return "公布日期不能晚于今天"
    if day < entry.round.call_date:
        return "公布日期不能早于本批次申报通知日期"
    number = (data.get("certificate_number") or "").strip()
    if number and entry.certificate_number_taken(number):
        return f"证书编号 {number} 已被使用"


# --- management (Art 10, 14, 15) ---


@guard("第十四条第二项", on_submit=True)
def stop_reason_valid(entry, data):
    """停止待遇须有原因（离开技能岗位、调往区外、被选拔为市首席技师）和生效日期。"""
    reason = data.get("reason")
    if reason not in STOP_REASON_ARTICLES:
        return "请选择停止待遇的原因：不再从事技能岗位工作、调往区外或被选拔为市首席技师"
    day = data.get("effective_date")
    if day is None:
        return Refusal("请填写停止待遇的生效日期", STOP_REASON_ARTICLES[reason])
    if day > _today() or (entry.announcement_date and day < entry.announcement_date):
        return Refusal("生效日期须在名单公布日期与今天之间", STOP_REASON_ARTICLES[reason])


@guard("第四条")
def term_due(entry):
    """管理期已届满（今天不早于管理期截止日）。"""
    if entry.term_end is None or _today() < entry.term_end:
        return f"管理期至{entry.term_end:%Y-%m-%d}，尚未届满" if entry.term_end else "没有管理期记录"


REVOCATION_GROUNDS = {
    1: "在管理期内有违法违纪行为或重大过失",
    2: "无正当理由拒不承担本办法规定的职责和义务",
    3: "采取弄虚作假、谎报成果等不正当手段骗取市中首席技师称号",
    4: "其他应当取消市中首席技师称号的行为",
}


@guard("第十五条", on_submit=True)
def revocation_ground_valid(entry, data):
    """取消资格须依第十五条所列情形之一，并有事实日期。"""
    try:
        ground = int(data.get("ground"))
    except (TypeError, ValueError):
        return "请选择第十五条所列的取消资格情形（第一至四项）"
    if ground not in REVOCATION_GROUNDS:
        return "请选择第十五条所列的取消资格情形（第一至四项）"
    article = articles.article(15, ground)
    fact_date = data.get("fact_date")
    if ground != 4 and fact_date is None:
        return Refusal("请填写事实发生日期", article)
    if fact_date and fact_date > _today():
        return Refusal("事实发生日期不能晚于今天", article)
    if ground in (1, 2) and not (entry.term_start <= fact_date <= entry.term_end):
        return Refusal(f"{articles.item(ground)}情形须发生在管理期内（{entry.term_start}至{entry.term_end}）", article)


@guard("第十五条", on_submit=True)
def approver_is_not_proposer(entry, data):
    """取消资格须另经批准：批准人不能是提出人。"""
    user = data.get("user")
    if user is not None and entry.revocation_proposed_by_id == user.pk:
        return "提出取消资格的人员不能同时批准（报经区选拔管理工作办公室批准）"
