"""The eligibility checklist of SPEC §5 (Art 6, 7, 8, 9(2), 14(3), 15) via Entry.checklist().

EntryFactory() gives a draft entry of a 2024 round (call date 2024-10-15) with a complete application;
each test changes only what it examines.
"""

import datetime

import pytest

from roster.models import CompetitionResult, Entry, EvidenceFile, Honour, Unit
from tests.factories import EntryFactory, PersonFactory, RoundFactory
from workflow.eligibility import Check
from workflow.states import Status

D = datetime.date
CALL = D(2024, 10, 15)
PASS, FAIL, EXPLAIN, REVIEW = "通过", "不通过", "需说明", "待评审"
JUDGED = {"ethics", "skill", "innovation", "mentoring"}


def _check(entry: Entry, key: str) -> Check:
    entry = Entry.objects.get(pk=entry.pk)  # fresh: related rows and person/unit as stored
    lines = [c for c in entry.checklist() if c.key == key]
    assert len(lines) == 1, [c.key for c in entry.checklist()]
    return lines[0]


def _entry_born(birth: datetime.date, **kwargs) -> Entry:
    return EntryFactory(person=PersonFactory(birth_date=birth), **kwargs)


# --- the factory's entry: everything hard passes, the judged lines wait for the experts ---


def test_factory_entry_checklist_shape(db):
    entry = EntryFactory()
    assert entry.round.call_date == CALL
    checks = entry.checklist()
    assert all(isinstance(c, Check) for c in checks)
    keys = [c.key for c in checks]
    assert len(keys) == len(set(keys))
    for key in ("qualification", "scope", "frontline", "merit", "age", "unit_ban", "may_apply", "revocation"):
        assert key in keys
    assert "materials" in keys
    for check in checks:
        assert check.status in (PASS, FAIL, EXPLAIN, REVIEW)
        assert check.article.startswith("第"), check
        assert check.reason
        if check.key in JUDGED:
            assert check.status == REVIEW
        else:
            assert check.status == PASS, check


# --- qualification (Art 6) ---


def test_qualification_below_technician_fails(db):
    entry = EntryFactory()
    entry.person.qualification_level = 2  # 高级工: below 技师
    entry.person.save()
    check = _check(entry, "qualification")
    assert check.status == FAIL
    assert check.article == "第六条"


@pytest.mark.parametrize("level", [3, 4, 5, 6])
def test_qualification_technician_and_above_passes(db, level):
    entry = EntryFactory()
    entry.person.qualification_level = level
    entry.person.save()
    assert _check(entry, "qualification").status == PASS


# --- scope (Art 6, 8) ---


def test_township_hrss_recommending_a_non_freelancer_fails_scope(db):
    entry = EntryFactory()
    Unit.objects.filter(pk=entry.unit_id).update(kind=Unit.Kind.TOWNSHIP_HRSS)
    check = _check(entry, "scope")
    assert check.status == FAIL
    assert "第六条" in check.article


def test_freelancer_recommended_by_an_enterprise_fails_scope(db):
    entry = EntryFactory()
    assert entry.unit.kind == Unit.Kind.DISTRICT_ENTERPRISE
    entry.person.is_freelancer = True
    entry.person.save()
    check = _check(entry, "scope")
    assert check.status == FAIL
    assert "第八条" in check.article or "第六条" in check.article


def test_freelancer_recommended_by_township_hrss_passes_scope(db):
    entry = EntryFactory()
    entry.person.is_freelancer = True
    entry.person.save()
    Unit.objects.filter(pk=entry.unit_id).update(kind=Unit.Kind.TOWNSHIP_HRSS)
    assert _check(entry, "scope").status == PASS


@pytest.mark.parametrize(
    "kind",
    [Unit.Kind.DISTRICT_ENTERPRISE, Unit.Kind.INDUSTRY, Unit.Kind.CENTRAL_TAXPAYER, Unit.Kind.PROVINCIAL_TAXPAYER],
)
def test_art6_unit_kinds_pass_scope_for_employees(db, kind):
    entry = EntryFactory()
    Unit.objects.filter(pk=entry.unit_id).update(kind=kind)
    assert _check(entry, "scope").status == PASS


# --- frontline (Art 6) ---


def test_not_frontline_fails(db):
    entry = EntryFactory()
    entry.person.is_frontline = False
    entry.person.save()
    check = _check(entry, "frontline")
    assert check.status == FAIL
    assert check.article == "第六条"


# --- merit (Art 7(2)) ---


def _bare_entry() -> Entry:
    """An entry without the factory's default honour and competition result."""
    entry = EntryFactory()
    Honour.objects.filter(entry=entry).delete()
    CompetitionResult.objects.filter(entry=entry).delete()
    return entry


def _honour(entry, kind, awarded_on, title="枣庄市技术能手"):
    Honour.objects.create(entry=entry, kind=kind, title=title, awarded_on=awarded_on, issuer="测试机关")


OLD_COMPETITION = D(2012, 5, 20)  # ranks have no time limit


def _rank(entry, level, rank, held_on=OLD_COMPETITION):
    CompetitionResult.objects.create(entry=entry, level=level, name="职业技能大赛", rank=rank, held_on=held_on)


def test_merit_without_any_title_or_rank_fails(db):
    check = _check(_bare_entry(), "merit")
    assert check.status == FAIL
    assert check.article == "第七条第二项"


def test_title_awarded_exactly_four_years_before_the_call_date_passes(db):
    entry = _bare_entry()
    _honour(entry, Honour.Kind.SKILL_EXPERT, D(2020, 10, 15))
    check = _check(entry, "merit")
    assert check.status == PASS
    assert "2020-10-15" in check.reason  # the date is shown to reviewers


def test_title_awarded_one_day_before_the_look_back_fails(db):
    entry = _bare_entry()
    _honour(entry, Honour.Kind.SKILL_EXPERT, D(2020, 10, 14))
    assert _check(entry, "merit").status == FAIL


def test_title_awarded_on_the_call_date_passes(db):
    entry = _bare_entry()
    _honour(entry, Honour.Kind.PROVINCIAL_CONTRIBUTOR, CALL, title="山东省有突出贡献技师")
    assert _check(entry, "merit").status == PASS


@pytest.mark.parametrize("kind", [Honour.Kind.CHINA_SKILL_AWARD, Honour.Kind.SIMILAR_TITLE])
def test_other_qualifying_titles_within_the_look_back_pass(db, kind):
    entry = _bare_entry()
    _honour(entry, kind, D(2023, 5, 1), title="称号")
    assert _check(entry, "merit").status == PASS


def test_unrelated_honour_does_not_count(db):
    entry = _bare_entry()
    _honour(entry, Honour.Kind.OTHER, D(2023, 5, 1), title="优秀员工")
    assert _check(entry, "merit").status == FAIL


def test_state_council_allowance_of_any_date_passes(db):
    entry = _bare_entry()
    _honour(entry, Honour.Kind.STATE_COUNCIL_ALLOWANCE, D(1998, 3, 1), title="享受国务院政府特殊津贴")
    check = _check(entry, "merit")
    assert check.status == PASS
    assert "1998-03-01" in check.reason


@pytest.mark.parametrize(
    "level, limit",
    [
        (CompetitionResult.Level.NATIONAL, 6),
        (CompetitionResult.Level.PROVINCIAL_1, 6),
        (CompetitionResult.Level.PROVINCIAL_2, 3),
        (CompetitionResult.Level.CITY_1, 2),
        (CompetitionResult.Level.CITY_2, 1),
    ],
)
def test_competition_rank_at_the_limit_passes_and_one_below_fails(db, level, limit):
    # Ranks have no time limit: a 2012 competition still counts.
    at_limit = _bare_entry()
    _rank(at_limit, level, limit)
    check = _check(at_limit, "merit")
    assert check.status == PASS
    assert "2012-05-20" in check.reason

    beyond = _bare_entry()
    _rank(beyond, level, limit + 1)
    assert _check(beyond, "merit").status == FAIL


def test_other_competition_rank_does_not_count(db):
    entry = _bare_entry()
    _rank(entry, CompetitionResult.Level.OTHER, 1)
    assert _check(entry, "merit").status == FAIL


# --- age (Art 7(5)): 周岁 on the round's call date ---


def test_exactly_fifty_on_the_call_date_passes(db):
    check = _check(_entry_born(D(1974, 10, 15)), "age")
    assert check.status == PASS
    assert "50" in check.reason
    assert "优先" not in check.reason
    assert check.article == "第七条第五项"


def test_fifty_one_on_the_call_date_needs_a_justification(db):
    entry = _entry_born(D(1973, 10, 15))
    check = _check(entry, "age")
    assert check.status == EXPLAIN
    assert "51" in check.reason
    assert check.blocks


def test_one_day_short_of_fifty_one_is_still_fifty(db):
    check = _check(_entry_born(D(1973, 10, 16)), "age")
    assert check.status == PASS
    assert "50" in check.reason


def test_fifty_one_with_age_justification_passes(db):
    entry = _entry_born(D(1973, 10, 15))
    Entry.objects.filter(pk=entry.pk).update(age_justification="该同志技艺精湛，为行业领军人才，确需推荐。")
    check = _check(entry, "age")
    assert check.status == PASS
    assert not check.blocks


def test_blank_age_justification_does_not_count(db):
    entry = _entry_born(D(1973, 10, 15))
    Entry.objects.filter(pk=entry.pk).update(age_justification="   ")
    assert _check(entry, "age").status == EXPLAIN


def test_forty_five_is_marked_preferred(db):
    check = _check(_entry_born(D(1979, 10, 15)), "age")
    assert check.status == PASS
    assert "45" in check.reason
    assert "优先" in check.reason


def test_forty_six_is_not_marked_preferred(db):
    check = _check(_entry_born(D(1978, 10, 15)), "age")
    assert check.status == PASS
    assert "优先" not in check.reason


# --- unit not banned (Art 14(3)) ---


def test_banned_unit_fails(db):
    entry = EntryFactory()
    Unit.objects.filter(pk=entry.unit_id).update(banned=True, ban_reason="期满评估不合格", banned_on=D(2023, 3, 1))
    check = _check(entry, "unit_ban")
    assert check.status == FAIL
    assert check.article == "第十四条第三项"


# --- person may apply (Art 14(3)) ---


def _entry_in_2026_for(person) -> Entry:
    return EntryFactory(person=person, round=RoundFactory(year=2026))


@pytest.mark.parametrize(
    "earlier_status",
    [Status.ACTIVE, Status.BENEFITS_STOPPED, Status.TERM_ENDED, Status.SUBMITTED, Status.REVOCATION_PENDING],
)
def test_an_entry_still_in_selection_or_term_blocks_a_new_one(db, earlier_status):
    earlier = EntryFactory(status=earlier_status)
    entry = _entry_in_2026_for(earlier.person)
    check = _check(entry, "may_apply")
    assert check.status == FAIL
    assert check.article == "第十四条第三项"


@pytest.mark.parametrize("earlier_status", [Status.TERM_PASSED, Status.WITHDRAWN, Status.NOT_SELECTED])
def test_a_passed_or_closed_entry_does_not_block(db, earlier_status):
    earlier = EntryFactory(status=earlier_status)
    entry = _entry_in_2026_for(earlier.person)
    assert _check(entry, "may_apply").status == PASS


def test_a_failed_term_evaluation_blocks_a_new_application(db):
    earlier = EntryFactory(status=Status.REVOKED)
    # Revoked by fail_term_evaluation (Art 14(3)), not by an Art 15 proposal.
    Entry.objects.filter(pk=earlier.pk).update(term_evaluation="fail", revocation_ground=None)
    entry = _entry_in_2026_for(earlier.person)
    check = _check(entry, "may_apply")
    assert check.status == FAIL
    assert check.article == "第十四条第三项"


def test_an_art15_revocation_does_not_block_the_application_itself(db):
    earlier = EntryFactory(status=Status.REVOKED)
    entry = _entry_in_2026_for(earlier.person)
    assert _check(entry, "may_apply").status == PASS


# --- earlier revocation (Art 7(1), 15) ---


def test_earlier_revocation_needs_a_justification(db):
    earlier = EntryFactory(status=Status.REVOKED)
    assert earlier.revocation_ground is not None
    entry = _entry_in_2026_for(earlier.person)
    check = _check(entry, "revocation")
    assert check.status == EXPLAIN
    assert "第十五条" in check.article
    assert "第十五条" in check.reason  # the ground is shown to reviewers


def test_earlier_revocation_with_justification_passes(db):
    earlier = EntryFactory(status=Status.REVOKED)
    entry = _entry_in_2026_for(earlier.person)
    Entry.objects.filter(pk=entry.pk).update(revocation_justification="已深刻反省并整改，单位书面担保。")
    assert _check(entry, "revocation").status == PASS


def test_no_earlier_revocation_passes(db):
    assert _check(EntryFactory(), "revocation").status == PASS


# --- materials (Art 9(2)) ---


def test_missing_evidence_fails(db):
    entry = EntryFactory()
    EvidenceFile.objects.filter(entry=entry).delete()
    check = _check(entry, "materials")
    assert check.status == FAIL
    assert check.article == "第九条第二项"
    assert "证明材料" in check.reason


def test_missing_deeds_fails(db):
    entry = EntryFactory()
    Entry.objects.filter(pk=entry.pk).update(deeds="")
    check = _check(entry, "materials")
    assert check.status == FAIL
    assert check.article == "第九条第二项"
    assert "事迹" in check.reason


def test_missing_application_form_field_fails(db):
    entry = EntryFactory()
    Entry.objects.filter(pk=entry.pk).update(unit_opinion="")
    check = _check(entry, "materials")
    assert check.status == FAIL
    assert "推荐单位评议意见" in check.reason


def test_short_deeds_narrative_only_warns(db):
    entry = EntryFactory()
    Entry.objects.filter(pk=entry.pk).update(deeds="扎根一线刻苦钻研" * 37 + "技术攻关")  # 300 characters
    assert len(Entry.objects.get(pk=entry.pk).deeds) == 300
    check = _check(entry, "materials")
    assert check.status == PASS
    assert "300" in check.reason
    assert "1000" in check.reason  # the warning: about 1000 characters expected
    assert not check.blocks


def test_deeds_of_about_1000_characters_pass_without_warning(db):
    check = _check(EntryFactory(), "materials")
    assert check.status == PASS
    assert "建议" not in check.reason
