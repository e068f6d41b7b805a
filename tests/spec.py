"""SPEC §6 written out by hand: the test oracle of the entry lifecycle, read by every test that checks the
code's tables (workflow.transitions, workflow.powers) against the contract. Never derived from the code."""

from workflow import roles
from workflow.states import PRE_CERT, Status

S = Status

TITLED = [S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_ENDED, S.TERM_PASSED]

EDGES: dict[tuple[str, str], str] = {
    (S.DRAFT, "start_unit_publicity"): S.UNIT_PUBLICITY,
    (S.UNIT_PUBLICITY, "submit"): S.SUBMITTED,
    (S.UNIT_PUBLICITY, "reject_after_unit_publicity"): S.NOT_RECOMMENDED,
    (S.SUBMITTED, "pass_qualification"): S.QUALIFIED,
    (S.SUBMITTED, "return_for_correction"): S.RETURNED,
    (S.RETURNED, "resubmit"): S.SUBMITTED,
    (S.SUBMITTED, "fail_qualification"): S.INELIGIBLE,
    **{(s, "disqualify_for_fraud"): S.DISQUALIFIED for s in PRE_CERT},
    (S.QUALIFIED, "shortlist"): S.SHORTLISTED,
    (S.QUALIFIED, "not_shortlist"): S.NOT_SELECTED,
    (S.SHORTLISTED, "start_district_publicity"): S.DISTRICT_PUBLICITY,
    (S.DISTRICT_PUBLICITY, "start_inspection"): S.INSPECTION,
    **{
        (s, "reject"): S.REJECTED
        for s in (S.DISTRICT_PUBLICITY, S.INSPECTION, S.LEADING_GROUP_REVIEW, S.GOVERNMENT_REVIEW)
    },
    (S.INSPECTION, "submit_to_leading_group"): S.LEADING_GROUP_REVIEW,
    (S.LEADING_GROUP_REVIEW, "submit_to_government"): S.GOVERNMENT_REVIEW,
    (S.GOVERNMENT_REVIEW, "certify"): S.ACTIVE,
    **{(s, "withdraw"): S.WITHDRAWN for s in (S.DRAFT, S.RETURNED, S.UNIT_PUBLICITY, *PRE_CERT)},
    (S.ACTIVE, "stop_benefits"): S.BENEFITS_STOPPED,
    (S.BENEFITS_STOPPED, "resume_benefits"): S.ACTIVE,
    (S.ACTIVE, "end_term"): S.TERM_ENDED,
    (S.BENEFITS_STOPPED, "end_term"): S.TERM_ENDED,
    (S.TERM_ENDED, "pass_term_evaluation"): S.TERM_PASSED,
    (S.TERM_ENDED, "fail_term_evaluation"): S.REVOKED,
    **{(s, "propose_revocation"): S.REVOCATION_PENDING for s in TITLED},
    (S.REVOCATION_PENDING, "approve_revocation"): S.REVOKED,
    # The factory's revocation_pending entry came from `active`: dismissal returns it there.
    (S.REVOCATION_PENDING, "dismiss_revocation"): S.ACTIVE,
}

# Comment required for every negative outcome, resume_benefits and every proposal or dismissal of a
# revocation (SPEC §6).
SPEC_COMMENT_REQUIRED = {
    "reject_after_unit_publicity",
    "fail_qualification",
    "disqualify_for_fraud",
    "not_shortlist",
    "reject",
    "withdraw",
    "fail_term_evaluation",
    "approve_revocation",
    "resume_benefits",
    "propose_revocation",
    "dismiss_revocation",
}

# Who may take each move (SPEC §6 "Who may take each transition"): role group names, with OWN for the
# recommender of the entry's own unit. A Django superuser may take any move.
OWN = "own-unit recommender"
RECOMMENDER_MOVES = {"start_unit_publicity", "submit", "reject_after_unit_publicity", "resubmit"}


def spec_roles(state: str, name: str) -> set[str]:
    """Who may take `name` from `state`."""
    if name in RECOMMENDER_MOVES:
        return {OWN}
    if name == "withdraw":
        return {OWN} if state in (S.DRAFT, S.RETURNED, S.UNIT_PUBLICITY) else {roles.OFFICE}
    if name == "reject":
        return {roles.LEADING_GROUP} if state == S.LEADING_GROUP_REVIEW else {roles.OFFICE}
    if name == "submit_to_government":
        return {roles.LEADING_GROUP}
    if name == "propose_revocation":
        return {roles.OFFICE, OWN}
    return {roles.OFFICE}
