"""The entry lifecycle of SPEC §6 driven through roster.services.perform (SPEC §11).

The expected edges, roles and required comments come from tests.spec, written out from SPEC §6 on purpose
(not read from workflow.transitions), so that the code is checked against the contract.
"""

import datetime
import re

import pytest
from django.utils import timezone

from home.models import PublicityNoticePage
from roster.models import Entry
from roster.services import available, history, perform
from tests.clock import moment, travel
from tests.factories import (
    EntryFactory,
    ExpertScoreFactory,
    ObjectionFactory,
    PersonFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)
from tests.moves import HAN, assert_moves, assert_refused, fresh, link_district_notice, move_data, prepare, rolled_back
from tests.spec import EDGES, OWN, SPEC_COMMENT_REQUIRED, TITLED, spec_roles
from workflow import roles
from workflow.errors import TransitionRefused
from workflow.states import Status
from workflow.transitions import TRANSITIONS

S = Status

# The test users, by key.
ROLE_KEYS = ("office", "leading_group", "expert", "editor", "finance", "rec_own", "rec_other", "nobody")
ROLE_NAMES = {
    "office": roles.OFFICE,
    "leading_group": roles.LEADING_GROUP,
    "expert": roles.EXPERT,
    "editor": roles.EDITOR,
    "finance": roles.FINANCE,
    "rec_own": roles.RECOMMENDER,
    "rec_other": roles.RECOMMENDER,
}
KEY_ROLE = {"office": roles.OFFICE, "leading_group": roles.LEADING_GROUP, "rec_own": OWN}


def allowed_keys(state: str, name: str) -> set[str]:
    """The keys of ROLE_KEYS that SPEC §6 lets take `name` from `state`."""
    return {key for key, role in KEY_ROLE.items() if role in spec_roles(state, name)}


ALL_PAIRS = [(state, name) for state in S.values for name in TRANSITIONS]
LEGAL_PAIRS = sorted(EDGES)
ILLEGAL_PAIRS = [pair for pair in ALL_PAIRS if pair not in EDGES]


# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------


def make_users(entry) -> dict:
    users = {key: UserFactory(role=ROLE_NAMES[key]) for key in ("office", "leading_group", "expert", "editor")}
    users["finance"] = UserFactory(role=roles.FINANCE)
    users["rec_own"] = UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    users["rec_other"] = UserFactory(role=roles.RECOMMENDER, unit=UnitFactory())
    users["nobody"] = UserFactory()
    return users


# ---------------------------------------------------------------------------------------------------
# the contract tables themselves
# ---------------------------------------------------------------------------------------------------


def test_every_state_and_transition_name_of_the_spec_exists():
    spec_states = {s for pair in EDGES for s in (pair[0], EDGES[pair])}
    assert spec_states <= set(S.values)
    assert {name for _, name in EDGES} == set(TRANSITIONS)


@pytest.mark.parametrize("state,name", LEGAL_PAIRS, ids=[f"{s}-{n}" for s, n in LEGAL_PAIRS])
def test_role_table_in_code_matches_spec(state, name):
    expected = {ROLE_NAMES[key] for key in allowed_keys(state, name)}
    assert set(TRANSITIONS[name].roles_from(state)) == expected


# ---------------------------------------------------------------------------------------------------
# every state × every transition name
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state,name", ALL_PAIRS, ids=[f"{s}-{n}" for s, n in ALL_PAIRS])
def test_transition_table(db, request, state, name):
    entry = EntryFactory(status=state)
    assert entry.status == state
    users = make_users(entry)
    legal = (state, name) in EDGES

    if not legal:
        superuser = UserFactory(is_superuser=True, is_staff=True)
        for user in (users["office"], users["leading_group"], users["rec_own"], superuser):
            assert_refused(entry, name, user, **move_data(name, entry))
        return

    clock = prepare(entry, state, name, request)
    with clock:
        data = move_data(name, fresh(entry))
        allowed = allowed_keys(state, name)
        # wrong roles (a recommender of another unit included), each with a comment and valid data
        for key in ROLE_KEYS:
            if key not in allowed:
                assert_refused(entry, name, users[key], article="", **data)
        # missing comment where SPEC §6 requires one
        if name in SPEC_COMMENT_REQUIRED:
            for key in allowed:
                assert_refused(entry, name, users[key], comment="", article="", **data)
                assert_refused(entry, name, users[key], comment="   ", article="", **data)
        # the right role, guards met: succeeds (each allowed role tried in a rolled-back savepoint)
        needs_comment = name in SPEC_COMMENT_REQUIRED or name == "return_for_correction"
        comment = "（测试）书面说明" if needs_comment else ""
        for key in sorted(allowed):
            with rolled_back():
                assert_moves(entry, name, users[key], comment, target=EDGES[(state, name)], **data)
        assert fresh(entry).status == state


def test_unknown_transition_name_is_refused(db):
    entry = EntryFactory(status=S.SUBMITTED)
    assert_refused(entry, "approve_everything", UserFactory(is_superuser=True, is_staff=True))
    assert_refused(entry, "", UserFactory(role=roles.OFFICE))


def test_superuser_may_take_any_transition(db):
    entry = EntryFactory(status=S.INSPECTION)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert_moves(entry, "submit_to_leading_group", superuser, target=S.LEADING_GROUP_REVIEW)
    assert_moves(entry, "submit_to_government", superuser, target=S.GOVERNMENT_REVIEW)


def test_inactive_user_may_not_act(db):
    entry = EntryFactory(status=S.SUBMITTED)
    office = UserFactory(role=roles.OFFICE, is_active=False)
    assert_refused(entry, "pass_qualification", office, article="")


# ---------------------------------------------------------------------------------------------------
# guards
# ---------------------------------------------------------------------------------------------------


def recommender(entry):
    return UserFactory(role=roles.RECOMMENDER, unit=entry.unit)


def office():
    return UserFactory(role=roles.OFFICE)


def test_start_unit_publicity_needs_consent(db):
    entry = EntryFactory(consent_to_publication=False)
    exc = assert_refused(entry, "start_unit_publicity", recommender(entry))
    assert exc.article == "个人信息保护法第二十五条"


@pytest.mark.parametrize("missing", ["deeds", "evidence", "post"])
def test_start_unit_publicity_needs_complete_materials(db, missing):
    entry = EntryFactory()
    if missing == "evidence":
        entry.evidence_files.all().delete()
    else:
        Entry.objects.filter(pk=entry.pk).update(**{missing: ""})
    exc = assert_refused(entry, "start_unit_publicity", recommender(entry))
    assert exc.article == "第九条第二项"


def test_start_unit_publicity_over_50_needs_a_written_justification(db):
    # 51 周岁 on the call date (2024-10-15)
    entry = EntryFactory(person=PersonFactory(birth_date=datetime.date(1973, 1, 1)))
    user = recommender(entry)
    exc = assert_refused(entry, "start_unit_publicity", user)
    assert exc.article == "第七条第五项"
    Entry.objects.filter(pk=entry.pk).update(age_justification="技艺精湛，单位书面说明超龄推荐理由。")
    assert_moves(entry, "start_unit_publicity", user, target=S.UNIT_PUBLICITY)


def test_start_unit_publicity_at_exactly_50_needs_no_justification(db):
    entry = EntryFactory(person=PersonFactory(birth_date=datetime.date(1974, 10, 15)))
    assert entry.age_on_call_date == 50
    assert_moves(entry, "start_unit_publicity", recommender(entry), target=S.UNIT_PUBLICITY)


def test_start_unit_publicity_first_day_defaults_to_tomorrow_and_may_not_be_past(db):
    entry = EntryFactory()
    user = recommender(entry)
    with travel(2024, 11, 1):
        assert_refused(entry, "start_unit_publicity", user, first_day=datetime.date(2024, 10, 31))
        after = assert_moves(entry, "start_unit_publicity", user, target=S.UNIT_PUBLICITY)
    assert after.unit_publicity_start == datetime.date(2024, 11, 2)
    other = EntryFactory()
    with travel(2024, 11, 1):
        after = assert_moves(other, "start_unit_publicity", recommender(other), first_day=datetime.date(2024, 11, 4))
    assert after.unit_publicity_start == datetime.date(2024, 11, 4)


def test_submit_only_after_the_five_working_day_unit_window(db):
    entry = EntryFactory()
    user = recommender(entry)
    with travel(2024, 11, 1):  # a Friday; the window runs Mon 4 – Fri 8 November 2024
        assert_moves(entry, "start_unit_publicity", user, first_day=datetime.date(2024, 11, 4))
        exc = assert_refused(entry, "submit", user)
    assert exc.article == "第九条第二项"
    with travel(2024, 11, 8, hour=23):  # last day of the window
        assert_refused(entry, "submit", user, article="第九条第二项")
    with travel(2024, 11, 9, hour=0):
        assert_moves(entry, "submit", user, target=S.SUBMITTED)


def test_submit_refused_while_a_unit_objection_is_open(db):
    entry = EntryFactory(status=S.UNIT_PUBLICITY)
    user = recommender(entry)
    objection = ObjectionFactory(entry=entry)
    assert_refused(entry, "submit", user, article="第九条第二项")
    objection.status = "dismissed"
    objection.finding = "经核实，异议不成立"
    objection.save()
    assert_moves(entry, "submit", user, target=S.SUBMITTED)


def test_reject_after_unit_publicity_needs_an_upheld_objection(db):
    entry = EntryFactory(status=S.UNIT_PUBLICITY)
    user = recommender(entry)
    exc = assert_refused(entry, "reject_after_unit_publicity", user)
    assert exc.article == "第九条第二项"
    ObjectionFactory(entry=entry, status="upheld")
    assert_moves(entry, "reject_after_unit_publicity", user, "异议成立，不予推荐", target=S.NOT_RECOMMENDED)


def _score(entry, **findings):
    return ExpertScoreFactory(entry=entry, **findings)


def test_shortlist_needs_an_expert_score_with_all_four_findings(db):
    entry = EntryFactory(status=S.QUALIFIED)
    entry.expert_scores.all().delete()
    user = office()
    assert_refused(entry, "shortlist", user, article="第九条第四项")
    _score(entry, finding_mentoring="")
    assert_refused(entry, "shortlist", user, article="第九条第四项")
    _score(entry)
    assert_moves(entry, "shortlist", user, target=S.SHORTLISTED)


@pytest.mark.parametrize(
    "holder_state,free_move",
    [
        (S.DISTRICT_PUBLICITY, "reject"),
        (S.SHORTLISTED, "withdraw"),
        (S.INSPECTION, "disqualify_for_fraud"),
        (S.GOVERNMENT_REVIEW, "reject"),
    ],
)
def test_shortlist_refused_when_the_quota_is_full_and_freed_by_a_negative_outcome(db, holder_state, free_move):
    round_ = RoundFactory(quota=2)
    EntryFactory(status=S.SHORTLISTED, round=round_)
    holder = EntryFactory(status=holder_state, round=round_)
    candidate = EntryFactory(status=S.QUALIFIED, round=round_)
    user = office()
    assert_refused(candidate, "shortlist", user, article="第四条")
    assert_moves(holder, free_move, user, "（测试）书面说明")
    assert_moves(candidate, "shortlist", user, target=S.SHORTLISTED)
    # full again
    another = EntryFactory(status=S.QUALIFIED, round=round_)
    assert_refused(another, "shortlist", user, article="第四条")


def test_shortlist_quota_counts_titled_and_pending_revocation_entries(db):
    round_ = RoundFactory(quota=2)
    EntryFactory(status=S.ACTIVE, round=round_)
    EntryFactory(status=S.REVOCATION_PENDING, round=round_)
    candidate = EntryFactory(status=S.QUALIFIED, round=round_)
    assert_refused(candidate, "shortlist", office(), article="第四条")


def test_shortlist_quota_is_per_round(db):
    round_ = RoundFactory(quota=1)
    EntryFactory(status=S.SHORTLISTED, round=RoundFactory(quota=1))  # another round's place
    EntryFactory(status=S.NOT_SELECTED, round=round_)
    candidate = EntryFactory(status=S.QUALIFIED, round=round_)
    assert_moves(candidate, "shortlist", office(), target=S.SHORTLISTED)


def test_start_district_publicity_needs_a_live_notice_and_the_unit_posting_date(demo_site):
    entry = EntryFactory(status=S.SHORTLISTED)
    user = office()
    today = timezone.localdate()
    assert_refused(entry, "start_district_publicity", user, article="第九条第五项", unit_posted_on=today)

    notice = demo_site["publicity"]
    link_district_notice(entry.round, notice)
    notice.refresh_from_db()
    assert_refused(entry, "start_district_publicity", user, article="第九条第五项")

    after = assert_moves(entry, "start_district_publicity", user, target=S.DISTRICT_PUBLICITY, unit_posted_on=today)
    assert after.unit_posted_on == today
    # SPEC §3: the first day is the go-live day only if the page was live for the whole of it.
    went_live = timezone.localtime(notice.go_live_at or notice.first_published_at)
    first_day = went_live.date()
    if went_live.time() != datetime.time(0, 0):
        first_day += datetime.timedelta(days=1)
    assert after.district_publicity_start == first_day


def test_start_district_publicity_refused_when_the_notice_is_not_live(demo_site):
    entry = EntryFactory(status=S.SHORTLISTED)
    notice = demo_site["publicity"]
    link_district_notice(entry.round, notice)
    notice.refresh_from_db()
    notice.unpublish()
    assert_refused(
        entry, "start_district_publicity", office(), article="第九条第五项", unit_posted_on=timezone.localdate()
    )


def test_start_inspection_only_after_the_district_window(db):
    entry = EntryFactory(status=S.DISTRICT_PUBLICITY)
    # The window is the listing notice's: first published on the evening of 3 November, from the 4th.
    PublicityNoticePage.objects.filter(pk=entry.district_notice().pk).update(first_published_at=moment(2024, 11, 3, 20))
    user = office()
    with travel(2024, 11, 8, hour=20):
        assert_refused(entry, "start_inspection", user, article="第九条第五项")
    with travel(2024, 11, 9):
        assert_moves(entry, "start_inspection", user, target=S.INSPECTION)


def test_start_inspection_refused_while_a_district_objection_is_open(db):
    entry = EntryFactory(status=S.DISTRICT_PUBLICITY)
    ObjectionFactory(entry=entry, window="district")
    assert_refused(entry, "start_inspection", office(), article="第九条第五项")


@pytest.mark.parametrize("result", ["", "objection"])
def test_submit_to_leading_group_needs_no_objection_inspection(db, result):
    entry = EntryFactory(status=S.INSPECTION)
    Entry.objects.filter(pk=entry.pk).update(inspection_result=result)
    user = office()
    assert_refused(entry, "submit_to_leading_group", user, article="第九条第六项")
    Entry.objects.filter(pk=entry.pk).update(inspection_result="no_objection")
    assert_moves(entry, "submit_to_leading_group", user, target=S.LEADING_GROUP_REVIEW)


def test_submit_to_leading_group_refused_with_an_open_objection(db):
    entry = EntryFactory(status=S.INSPECTION)
    ObjectionFactory(entry=entry, window="district")
    assert_refused(entry, "submit_to_leading_group", office(), article="第九条第六项")


def test_certify_assigns_number_and_term(db):
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW)
    announced = datetime.date(2025, 1, 20)
    after = assert_moves(
        entry,
        "certify",
        office(),
        target=S.ACTIVE,
        announcement_date=announced,
        announcement_number="市中政办字〔2025〕1号",
    )
    assert re.fullmatch(r"SZSX-\d{4}-\d{3}", after.certificate_number)
    assert after.announcement_date == announced
    assert after.announcement_number == "市中政办字〔2025〕1号"
    assert after.term_start == announced
    assert after.term_end == datetime.date(2029, 1, 20)
    second = EntryFactory(status=S.GOVERNMENT_REVIEW, round=entry.round)
    after2 = assert_moves(second, "certify", office(), announcement_date=announced)
    assert re.fullmatch(r"SZSX-\d{4}-\d{3}", after2.certificate_number)
    assert after2.certificate_number != after.certificate_number


def test_certify_term_from_29_february_ends_on_28_february(db):
    # SPEC §6: the same calendar date 4 years later, 29 February -> 28 February when that year has none
    # (2096 -> 2100, which is not a leap year). The announcement date may not be in the future: travel.
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW, round=RoundFactory(year=2095))
    with travel(2096, 3, 2):
        after = assert_moves(entry, "certify", office(), announcement_date=datetime.date(2096, 2, 29))
    assert after.term_start == datetime.date(2096, 2, 29)
    assert after.term_end == datetime.date(2100, 2, 28)
    assert after.certificate_number.startswith("SZSX-")


def test_certify_keeps_a_given_number_and_refuses_a_duplicate(db):
    first = EntryFactory(status=S.GOVERNMENT_REVIEW)
    second = EntryFactory(status=S.GOVERNMENT_REVIEW, round=first.round)
    user = office()
    day = datetime.date(2025, 1, 20)
    after = assert_moves(first, "certify", user, announcement_date=day, certificate_number="SZSX-2024-050")
    assert after.certificate_number == "SZSX-2024-050"
    exc = assert_refused(second, "certify", user, announcement_date=day, certificate_number="SZSX-2024-050")
    assert exc.article
    assert fresh(second).certificate_number in (None, "")


def test_certify_needs_the_announcement_date(db):
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW)
    exc = assert_refused(entry, "certify", office())
    assert exc.article


def test_certify_may_be_recorded_after_the_rule_set_expired(db):
    # SPEC §2: a round opened in force completes its selection through certify after expiry.
    entry = EntryFactory(status=S.GOVERNMENT_REVIEW)
    with travel(2026, 3, 2):
        assert_moves(entry, "certify", office(), target=S.ACTIVE, announcement_date=datetime.date(2026, 2, 27))


def test_approve_revocation_needs_a_different_user(db):
    entry = EntryFactory(status=S.ACTIVE)
    proposer, approver = office(), office()
    assert_moves(entry, "propose_revocation", proposer, "（测试）违规", ground=4)
    exc = assert_refused(entry, "approve_revocation", proposer, "同意")
    assert exc.article == "第十五条"
    after = assert_moves(entry, "approve_revocation", approver, "同意取消", target=S.REVOKED)
    assert after.certificate_recalled


@pytest.mark.parametrize("state", TITLED)
def test_dismiss_revocation_returns_to_the_previous_state(db, state):
    entry = EntryFactory(status=state)
    user = office()
    assert_moves(entry, "propose_revocation", user, "（测试）提出", ground=3, fact_date=datetime.date(2023, 1, 1))
    assert fresh(entry).status == S.REVOCATION_PENDING
    assert_moves(entry, "dismiss_revocation", office(), "（测试）驳回", target=state)


def test_recommender_may_propose_revocation_only_for_its_own_unit(db):
    entry = EntryFactory(status=S.ACTIVE)
    other = UserFactory(role=roles.RECOMMENDER, unit=UnitFactory())
    assert_refused(entry, "propose_revocation", other, "（测试）", article="", ground=4)
    assert_moves(entry, "propose_revocation", recommender(entry), "（测试）", ground=4, target=S.REVOCATION_PENDING)


@pytest.mark.parametrize("state", [S.ACTIVE, S.BENEFITS_STOPPED])
def test_end_term_only_on_or_after_term_end(db, state):
    entry = EntryFactory(status=state)
    user = office()
    assert entry.term_end == datetime.date(2029, 1, 20)
    assert_refused(entry, "end_term", user, article="第四条")
    with travel(2029, 1, 19, hour=23):
        assert_refused(entry, "end_term", user, article="第四条")
    with travel(2029, 1, 20, hour=0):
        assert_moves(entry, "end_term", user, target=S.TERM_ENDED)


def test_propose_revocation_grounds_and_fact_dates(db):
    entry = EntryFactory(status=S.ACTIVE)  # term 2025-01-20 .. 2029-01-20
    user = office()
    comment = "（测试）事实与理由"
    for ground in (1, 2):
        exc = assert_refused(
            entry, "propose_revocation", user, comment, ground=ground, fact_date=datetime.date(2025, 1, 19)
        )
        assert exc.article.startswith("第十五条")
    assert_refused(entry, "propose_revocation", user, comment, fact_date=datetime.date(2025, 6, 1))
    assert_refused(entry, "propose_revocation", user, comment, ground=5, fact_date=datetime.date(2025, 6, 1))
    assert_refused(
        entry,
        "propose_revocation",
        user,
        comment,
        ground=3,
        fact_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    for ground, fact_date in ((1, datetime.date(2025, 1, 20)), (3, datetime.date(2010, 5, 1)), (4, None)):
        with rolled_back():
            data = {"ground": ground} if fact_date is None else {"ground": ground, "fact_date": fact_date}
            after = assert_moves(entry, "propose_revocation", user, comment, target=S.REVOCATION_PENDING, **data)
            assert after.revocation_ground == ground


def test_propose_revocation_after_the_term_for_facts_within_it(db):
    entry = EntryFactory(status=S.TERM_ENDED)  # 2021 round: term 2022-01-20 .. 2026-01-20, today later
    assert entry.term_end < timezone.localdate()
    user = office()
    term_end = entry.term_end
    exc = assert_refused(
        entry, "propose_revocation", user, "（测试）", ground=1, fact_date=term_end + datetime.timedelta(days=1)
    )
    assert exc.article.startswith("第十五条")
    assert_moves(
        entry, "propose_revocation", user, "（测试）", ground=2, fact_date=term_end, target=S.REVOCATION_PENDING
    )


def test_stop_and_resume_benefits(db):
    entry = EntryFactory(status=S.ACTIVE)
    user = office()
    assert_refused(entry, "stop_benefits", user, effective_date=timezone.localdate())
    assert_refused(entry, "stop_benefits", user, reason="left_post", effective_date=datetime.date(2025, 1, 1))
    after = assert_moves(
        entry, "stop_benefits", user, target=S.BENEFITS_STOPPED, reason="moved_out", effective_date=timezone.localdate()
    )
    assert after.benefits_stop_reason == "moved_out"
    assert_refused(entry, "resume_benefits", user, "", article="")
    after = assert_moves(entry, "resume_benefits", user, "（测试）误停更正", target=S.ACTIVE)
    assert after.benefits_stopped_on is None


def test_fail_term_evaluation_may_ban_the_unit(db):
    entry = EntryFactory(status=S.TERM_ENDED)
    after = assert_moves(
        entry, "fail_term_evaluation", office(), "（测试）不合格", target=S.REVOKED, unit_responsible=True
    )
    after.unit.refresh_from_db()
    assert after.unit.banned


def test_refusal_with_stale_instance_changes_nothing(db):
    """A second perform with an outdated Python object must not move the entry twice."""
    entry = EntryFactory(status=S.SUBMITTED)
    user = office()
    stale = fresh(entry)
    perform(fresh(entry), "pass_qualification", user)
    assert fresh(entry).status == S.QUALIFIED
    count = history(entry).count()
    with pytest.raises(TransitionRefused):
        perform(stale, "fail_qualification", user, comment="（测试）")
    assert fresh(entry).status == S.QUALIFIED
    assert history(entry).count() == count


# ---------------------------------------------------------------------------------------------------
# available()
# ---------------------------------------------------------------------------------------------------

AVAILABLE_CASES = [
    (S.DRAFT, "rec_own"),
    (S.DRAFT, "office"),
    (S.UNIT_PUBLICITY, "rec_other"),
    (S.SUBMITTED, "office"),
    (S.RETURNED, "rec_own"),
    (S.QUALIFIED, "office"),
    (S.INSPECTION, "office"),
    (S.LEADING_GROUP_REVIEW, "leading_group"),
    (S.LEADING_GROUP_REVIEW, "office"),
    (S.GOVERNMENT_REVIEW, "office"),
    (S.ACTIVE, "office"),
    (S.ACTIVE, "rec_own"),
    (S.TERM_ENDED, "office"),
    (S.REVOCATION_PENDING, "office"),
    (S.REVOKED, "office"),
    (S.ACTIVE, "expert"),
    (S.SUBMITTED, "finance"),
]


@pytest.mark.parametrize("state,key", AVAILABLE_CASES, ids=[f"{s}-{k}" for s, k in AVAILABLE_CASES])
def test_available_lists_every_move_and_agrees_with_perform(db, state, key):
    entry = EntryFactory(status=state)
    user = make_users(entry)[key]
    listed = available(fresh(entry), user)
    assert all(isinstance(n, str) and isinstance(ok, bool) and isinstance(why, str) for n, ok, why in listed)
    names = [n for n, _, _ in listed]
    assert len(names) == len(set(names))
    assert set(names) == {n for (s, n) in EDGES if s == state}
    for name, ok, why in listed:
        if not ok:
            assert why.strip() and HAN.search(why)
        if key not in allowed_keys(state, name):
            assert not ok, (name, why)
        comment = "（测试）书面说明"
        data = move_data(name, fresh(entry))
        if ok:
            with rolled_back():
                assert_moves(entry, name, user, comment, target=EDGES[(state, name)], **data)
        else:
            assert_refused(entry, name, user, comment, **data)


def test_available_shows_the_failing_guard_with_its_article(db):
    round_ = RoundFactory(quota=1)
    EntryFactory(status=S.SHORTLISTED, round=round_)
    entry = EntryFactory(status=S.QUALIFIED, round=round_)
    listed = {n: (ok, why) for n, ok, why in available(entry, office())}
    ok, why = listed["shortlist"]
    assert not ok
    assert "第四条" in why
    assert listed["not_shortlist"][0]


def test_anonymous_user_may_not_act(db):
    from django.contrib.auth.models import AnonymousUser

    entry = EntryFactory(status=S.SUBMITTED)
    assert_refused(entry, "pass_qualification", AnonymousUser(), article="")
