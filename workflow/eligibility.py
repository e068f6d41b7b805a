"""The eligibility checklist of SPEC §5 (Art 6, 7, 8, 9(2), 14(3), 15), computed for one entry.

Works on any entry-like object (roster.Entry) through its attributes; it does not import roster.
"""

import datetime
from dataclasses import dataclass

from .states import BLOCKING_STATES, Status

PASS, FAIL, EXPLAIN, REVIEW = "通过", "不通过", "需说明", "待评审"

# Unit kinds named by Art 6 and the 镇街人社所 that recommends freelancers (Art 8).
ART6_UNIT_KINDS = {"district_enterprise", "industry", "central_taxpayer", "provincial_taxpayer"}
FREELANCER_UNIT_KIND = "township_hrss"

# Art 7(2): titles count within the look-back; the allowance and ranks have no time limit.
TITLE_KINDS = {"china_skill_award", "provincial_contributor", "skill_expert", "similar_title"}
ALLOWANCE_KIND = "state_council_allowance"
RANK_LIMITS = {"national": 6, "provincial_1": 6, "provincial_2": 3, "city_1": 2, "city_2": 1}

# "1000字左右" (Art 9(2)): a narrative under half or over twice the rule set's length only warns.
NARRATIVE_MIN_SHARE, NARRATIVE_MAX_SHARE = 0.5, 2


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    article: str
    status: str
    reason: str
    hard: bool = True

    @property
    def blocks(self) -> bool:
        """Whether this line stops the entry from going to publicity."""
        return self.status == FAIL or self.status == EXPLAIN


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """周岁: completed years on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def checklist(entry) -> list[Check]:
    rules = entry.round.rule_set
    person, unit = entry.person, entry.unit
    call_date = entry.round.call_date
    return [
        _qualification(person, rules),
        _scope(person, unit),
        _frontline(person),
        _merit(entry, rules, call_date),
        *_judged(entry),
        _age(entry, person, rules, call_date),
        _unit_not_banned(unit),
        _person_may_apply(entry),
        _earlier_revocation(entry),
        _materials(entry),
    ]


def blocking_line(entry) -> Check | None:
    return next((c for c in checklist(entry) if c.blocks), None)


def _qualification(person, rules) -> Check:
    ok = person.qualification_level is not None and person.qualification_level >= rules.min_qualification
    level = person.get_qualification_level_display() if person.qualification_level else "未填写"
    reason = f"职业资格：{level}" + ("" if ok else f"，须为{rules.get_min_qualification_display()}及以上")
    return Check("qualification", "职业资格技师及以上", "第六条", PASS if ok else FAIL, reason)


def _scope(person, unit) -> Check:
    if person.is_freelancer:
        ok = unit.kind == FREELANCER_UNIT_KIND
        reason = "自由职业者由所在地镇街人力资源和社会保障所推荐" + ("" if ok else "，推荐单位不符")
    else:
        ok = unit.kind in ART6_UNIT_KINDS
        reason = f"推荐单位类型：{unit.get_kind_display()}" + (
            "" if ok else "，须为区属企业、行业或中央、省属驻区纳税企业"
        )
    return Check("scope", "选拔范围", "第六条、第八条", PASS if ok else FAIL, reason)


def _frontline(person) -> Check:
    ok = bool(person.is_frontline)
    reason = "在一线岗位直接从事技术技能工作" if ok else "未在一线岗位直接从事技术技能工作"
    return Check("frontline", "一线岗位", "第六条", PASS if ok else FAIL, reason)


def _merit(entry, rules, call_date) -> Check:
    since = years_before(call_date, rules.honours_lookback_years)
    found = []
    for honour in entry.honours.all():
        if honour.kind in TITLE_KINDS and honour.awarded_on and since <= honour.awarded_on <= call_date:
            found.append(f"{honour.title}（{honour.awarded_on:%Y-%m-%d}）")
        elif honour.kind == ALLOWANCE_KIND:
            found.append(f"{honour.title}（{honour.awarded_on:%Y-%m-%d}）" if honour.awarded_on else honour.title)
    for result in entry.competition_results.all():
        limit = RANK_LIMITS.get(result.level)
        if limit and result.rank and result.rank <= limit:
            found.append(f"{result.name}第{result.rank}名（{result.held_on:%Y-%m-%d}）")
    if found:
        return Check("merit", "称号、津贴或竞赛名次", "第七条第二项", PASS, "；".join(found))
    reason = f"无{since:%Y-%m-%d}至{call_date:%Y-%m-%d}间获得的规定称号，也无政府特殊津贴或规定竞赛名次"
    return Check("merit", "称号、津贴或竞赛名次", "第七条第二项", FAIL, reason)


def _judged(entry) -> list[Check]:
    reviewed = entry.has_expert_review()
    evidence = {
        "ethics": ("职业道德与贡献", "第七条第一项", "推荐单位评议意见"),
        "skill": ("技能水平领先、拔尖", "第七条第二项", f"证明材料{entry.evidence_files.count()}份"),
        "innovation": ("发明创造与革新成果", "第七条第三项", f"技术成果{entry.inventions.count()}项"),
        "mentoring": ("传技带徒", "第七条第四项", f"带徒{entry.apprentices.count()}人"),
    }
    status = PASS if reviewed else REVIEW
    suffix = "；专家评审已记录意见" if reviewed else "；待专家评审"
    return [Check(k, label, art, status, what + suffix, hard=False) for k, (label, art, what) in evidence.items()]


def _age(entry, person, rules, call_date) -> Check:
    if not person.birth_date:
        return Check("age", "年龄", "第七条第五项", FAIL, "出生日期未知")
    age = age_on(person.birth_date, call_date)
    if age > rules.age_limit:
        if (entry.age_justification or "").strip():
            return Check(
                "age", "年龄", "第七条第五项", PASS, f"{age}周岁，超过{rules.age_limit}周岁，已书面说明", hard=False
            )
        reason = f"{age}周岁，超过一般不超过的{rules.age_limit}周岁，须书面说明理由"
        return Check("age", "年龄", "第七条第五项", EXPLAIN, reason, hard=False)
    preferred = "，同等条件下优先" if age <= rules.preferred_age else ""
    return Check("age", "年龄", "第七条第五项", PASS, f"{age}周岁{preferred}", hard=False)


def _unit_not_banned(unit) -> Check:
    if unit.banned:
        since = f"（{unit.banned_on:%Y-%m-%d}）" if unit.banned_on else ""
        return Check("unit_ban", "推荐单位申报资格", "第十四条第三项", FAIL, f"推荐单位已被取消申报资格{since}")
    return Check("unit_ban", "推荐单位申报资格", "第十四条第三项", PASS, "推荐单位未被取消申报资格")


def _person_may_apply(entry) -> Check:
    others = entry.person.all_entries().exclude(pk=entry.pk).select_related("round")
    for other in others:
        if other.round_id == entry.round_id:
            return Check("may_apply", "可以申报", "第十四条第三项", FAIL, "本批次已有此人的申报")
        if other.status in BLOCKING_STATES:
            reason = f"此人在{other.round.year}年度批次的记录为“{other.get_status_display()}”，不能再次申报"
            return Check("may_apply", "可以申报", "第十四条第三项", FAIL, reason)
        if other.status == Status.REVOKED and other.term_evaluation == "fail":
            reason = f"{other.round.year}年度批次期满评估不合格，只有期满评估合格的方可再次申报"
            return Check("may_apply", "可以申报", "第十四条第三项", FAIL, reason)
    return Check("may_apply", "可以申报", "第十四条第三项", PASS, "无在选、在管或待评估的记录")


def _earlier_revocation(entry) -> Check:
    revoked = (
        entry.person.all_entries().exclude(pk=entry.pk).filter(status=Status.REVOKED, revocation_ground__isnull=False)
    )
    first = revoked.select_related("round").first()
    if first is None:
        return Check("revocation", "曾被取消资格", "第七条第一项、第十五条", PASS, "无", hard=False)
    what = f"{first.round.year}年度首席技师资格曾依第十五条第{first.revocation_ground}项被取消"
    if (entry.revocation_justification or "").strip():
        return Check("revocation", "曾被取消资格", "第七条第一项、第十五条", PASS, what + "，已书面说明", hard=False)
    return Check("revocation", "曾被取消资格", "第七条第一项、第十五条", EXPLAIN, what + "，须书面说明", hard=False)


def _materials(entry) -> Check:
    missing = entry.missing_application_fields()
    if not (entry.deeds or "").strip():
        missing.append("事迹材料")
    if not entry.evidence_files.exists():
        missing.append("证明材料")
    if missing:
        return Check("materials", "申报材料齐全", "第九条第二项", FAIL, "缺少：" + "、".join(missing))
    length, target = len(entry.deeds.strip()), entry.round.rule_set.narrative_chars
    if not target * NARRATIVE_MIN_SHARE <= length <= target * NARRATIVE_MAX_SHARE:
        return Check(
            "materials", "申报材料齐全", "第九条第二项", PASS, f"材料齐全；事迹材料{length}字，建议{target}字左右"
        )
    return Check("materials", "申报材料齐全", "第九条第二项", PASS, f"材料齐全；事迹材料{length}字")
