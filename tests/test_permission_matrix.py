"""Permission matrix (issue 5, item 3): every role of SPEC §1 × every staff endpoint and every transition.

The expected outcomes are declared in one table per kind (`ENDPOINTS`, `SPEC_TRANSITION_ROLES`), written
out from SPEC §1, §6 and §9 on purpose. An allowed GET answers 200; an allowed POST redirects and changes
the database. A refused request answers 403 or 404, or is redirected to the admin home (Wagtail's way of
answering PermissionDenied) or to the login page; a refused POST changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from roster import allowance, services
from roster.inbox import OutgoingMail
from roster.models import (
    AllowanceRun,
    Entry,
    ExpertScore,
    Objection,
    Person,
    RevocationEvidence,
    TrackingEvaluation,
)
from roster.seeding import PDF_BYTES
from tests import spec
from tests.factories import EntryFactory, ObjectionFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from workflow import roles
from workflow.errors import TransitionRefused
from workflow.states import Status
from workflow.transitions import TRANSITIONS

S = Status
pytestmark = pytest.mark.django_db

ANON, REC, OFFICE, EXPERT, LEADER, EDITOR, FINANCE, SUPER = (
    "anonymous",
    "recommender",
    "office",
    "expert",
    "leader",
    "editor",
    "finance",
    "superuser",
)
ROLES = (ANON, REC, OFFICE, EXPERT, LEADER, EDITOR, FINANCE, SUPER)
GROUP_OF = {
    REC: roles.RECOMMENDER,
    OFFICE: roles.OFFICE,
    EXPERT: roles.EXPERT,
    LEADER: roles.LEADING_GROUP,
    EDITOR: roles.EDITOR,
    FINANCE: roles.FINANCE,
}


class World:
    """Unit A with entries in the states the endpoints need, built lazily; unit B for cross-unit checks."""

    def __init__(self):
        self.unit_a = UnitFactory()
        self.unit_b = UnitFactory()
        self.round = RoundFactory()

    def _entry(self, status, unit=None, **kwargs):
        person = PersonFactory(unit=unit or self.unit_a)
        kwargs.setdefault("round", self.round)
        return EntryFactory(status=status, person=person, **kwargs)

    @cached_property
    def draft(self):
        return self._entry(S.DRAFT)

    @cached_property
    def unit_publicity(self):
        return self._entry(S.UNIT_PUBLICITY)

    @cached_property
    def submitted(self):
        return self._entry(S.SUBMITTED)

    @cached_property
    def qualified(self):
        return self._entry(S.QUALIFIED)

    @cached_property
    def inspection(self):
        return self._entry(S.INSPECTION)

    @cached_property
    def leading_group_review(self):
        return self._entry(S.LEADING_GROUP_REVIEW)

    @cached_property
    def active(self):
        return self._entry(S.ACTIVE)

    @cached_property
    def revocation_file(self):
        evidence = RevocationEvidence(entry=self.active, title="违纪处分决定")
        evidence.file.save("decision.pdf", SimpleUploadedFile("decision.pdf", PDF_BYTES), save=True)
        return evidence

    @cached_property
    def objection(self):
        return Objection.objects.create(
            entry=self.unit_publicity,
            window="unit",
            submitter_name="张某",
            submitter_contact="0632-1234567",
            facts="获奖情况不实",
        )

    @cached_property
    def draft_run(self):
        """An allowance run for 2025, computed by another office user (the approver must differ)."""
        self.active  # noqa: B018 - someone to pay
        return allowance.compute_run(2025, UserFactory(role=roles.OFFICE))

    @cached_property
    def approved_run(self):
        run = allowance.compute_run(2025, UserFactory(role=roles.OFFICE))
        return allowance.approve_run(run, UserFactory(role=roles.OFFICE))


def make_user(role, world):
    if role == ANON:
        return None
    if role == SUPER:
        return UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory(role=GROUP_OF[role], unit=world.unit_a if role == REC else None)
    if role == EXPERT:
        world.round.experts.add(user)
    return user


def fingerprint():
    """Everything a staff POST may change."""
    return (
        list(
            Entry.objects.order_by("pk").values_list(
                "pk", "status", "inspection_result", "revocation_ground", "unit_publicity_start"
            )
        ),
        list(Objection.objects.order_by("pk").values_list("pk", "status")),
        list(ExpertScore.objects.order_by("pk").values_list("pk", "score", "opinion")),
        list(TrackingEvaluation.objects.order_by("pk").values_list("pk", "year", "result")),
        RevocationEvidence.objects.count(),
        list(AllowanceRun.objects.order_by("pk").values_list("pk", "year", "state")),
        Person.objects.count(),
        ModelLogEntry.objects.count(),
        list(OutgoingMail.objects.order_by("pk").values_list("pk", "state", "attempts")),
    )


def _failed_mail():
    return OutgoingMail.objects.create(
        from_email="noreply@example.cn",
        to=["office@example.cn"],
        subject="测试",
        body="测试",
        state="failed",
        attempts=6,
    )


def snippet(model, view, obj=None):
    name = f"wagtailsnippets_roster_{model}:{view}"
    return lambda w: reverse(name, args=(obj(w).pk,)) if obj else reverse(name)


def custom(name, *args):
    return lambda w: reverse(name, args=tuple(a(w) if callable(a) else a for a in args))


def move(attr, name):
    return lambda w: reverse("roster_entry_move", args=(getattr(w, attr).pk, name))


def _pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class Endpoint:
    key: str
    url: object
    allowed: frozenset
    method: str = "get"
    data: object = field(default=lambda w: {})
    # for a POST: the page an allowed request redirects to
    success: object = None


def _pk(attr):
    return lambda w: getattr(w, attr).pk


ALL_STAFF_SEE = {REC, OFFICE, LEADER, SUPER}
OFFICE_ONLY = {OFFICE, SUPER}
ENTRY_PAGE = "/admin/snippets/roster/entry/inspect/"

# SPEC §1/§9: who may reach what. Every row is one endpoint; every role not listed is refused.
ENDPOINTS = [
    # roster snippets (Entry, Person, Unit, Round): list, inspect, edit, history
    Endpoint("entry-list", snippet("entry", "list"), {REC, OFFICE, EXPERT, LEADER, SUPER}),
    Endpoint("entry-inspect-draft", snippet("entry", "inspect", lambda w: w.draft), ALL_STAFF_SEE),
    Endpoint("entry-inspect-qualified", snippet("entry", "inspect", lambda w: w.qualified), ALL_STAFF_SEE | {EXPERT}),
    Endpoint("entry-edit-draft", snippet("entry", "edit", lambda w: w.draft), {REC, OFFICE, SUPER}),
    Endpoint("entry-edit-submitted", snippet("entry", "edit", lambda w: w.submitted), set()),
    # Wagtail's history view needs add/change/delete rights; view-only roles read an entry's history on its
    # inspect page (SPEC §9), which the leading group reaches.
    Endpoint("entry-history", snippet("entry", "history", lambda w: w.draft), {REC, OFFICE, SUPER}),
    Endpoint("person-list", snippet("person", "list"), {REC, OFFICE, SUPER}),
    Endpoint("person-inspect", snippet("person", "inspect", lambda w: w.draft.person), {REC, OFFICE, SUPER}),
    Endpoint("person-edit", snippet("person", "edit", lambda w: w.draft.person), {REC, OFFICE, SUPER}),
    Endpoint("person-history", snippet("person", "history", lambda w: w.draft.person), {REC, OFFICE, SUPER}),
    Endpoint("unit-list", snippet("unit", "list"), ALL_STAFF_SEE),
    Endpoint("unit-inspect", snippet("unit", "inspect", lambda w: w.unit_a), ALL_STAFF_SEE),
    Endpoint("unit-edit", snippet("unit", "edit", lambda w: w.unit_a), OFFICE_ONLY),
    Endpoint("unit-history", snippet("unit", "history", lambda w: w.unit_a), OFFICE_ONLY),
    Endpoint("round-list", snippet("round", "list"), ALL_STAFF_SEE),
    Endpoint("round-inspect", snippet("round", "inspect", lambda w: w.round), ALL_STAFF_SEE),
    Endpoint("round-edit", snippet("round", "edit", lambda w: w.round), OFFICE_ONLY),
    Endpoint("round-history", snippet("round", "history", lambda w: w.round), OFFICE_ONLY),
    # private files, review, exports, statistics, paper forms, traceability
    Endpoint("evidence", custom("roster_evidence", lambda w: w.draft.evidence_files.first().pk), ALL_STAFF_SEE),
    Endpoint("revocation-file", custom("roster_revocation_file", _pk("revocation_file")), ALL_STAFF_SEE),
    Endpoint("round-review", custom("roster_round_review", _pk("round")), {OFFICE, LEADER, SUPER}),
    Endpoint("round-export", custom("roster_round_export", _pk("round")), ALL_STAFF_SEE),
    Endpoint("talent-pool", custom("roster_talent_pool"), ALL_STAFF_SEE),
    Endpoint("allowance-runs", custom("roster_allowance_runs"), {OFFICE, FINANCE, SUPER}),
    Endpoint(
        "allowance-run",
        lambda w: (w.approved_run, reverse("roster_allowance_run", args=(2025,)))[1],
        {OFFICE, FINANCE, SUPER},
    ),
    Endpoint(
        "allowance-download",
        lambda w: (w.approved_run, reverse("roster_allowance_download", args=(2025,)))[1],
        {OFFICE, FINANCE, SUPER},
    ),
    Endpoint("statistics", custom("roster_statistics"), {OFFICE, LEADER, SUPER}),
    Endpoint("form-docx", custom("roster_form_docx", _pk("draft")), {REC, OFFICE, SUPER}),
    Endpoint("certificate-docx", custom("roster_certificate_docx", _pk("active")), OFFICE_ONLY),
    # the menu item is shown to the office and the leading group only (roster/wagtail_hooks.py)
    Endpoint("traceability", custom("roster_traceability"), {OFFICE, LEADER, SUPER}),
    # power manage_rules: a revision of the measures is imported by the office (home/policy_admin.py)
    Endpoint("policy-import", custom("home_policy_import"), OFFICE_ONLY),
    # POST: moves, records added along the way, allowance runs
    Endpoint(
        "move-start_unit_publicity",
        move("draft", "start_unit_publicity"),
        {REC, SUPER},
        "post",
        lambda w: {"comment": ""},
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "move-pass_qualification",
        move("submitted", "pass_qualification"),
        OFFICE_ONLY,
        "post",
        lambda w: {"comment": ""},
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "move-submit_to_government",
        move("leading_group_review", "submit_to_government"),
        {LEADER, SUPER},
        "post",
        lambda w: {"comment": ""},
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "move-propose_revocation",
        move("active", "propose_revocation"),
        {REC, OFFICE, SUPER},
        "post",
        lambda w: {
            "comment": "拒不履行带徒义务，经核实属实。",
            "ground": "4",
            "fact_date": "2026-03-01",
            "confirmed": "True",
        },
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "objection-add",
        custom("roster_objection_add", _pk("unit_publicity")),
        {REC, OFFICE, SUPER},
        "post",
        lambda w: {
            "window": "unit",
            "received_on": "2026-11-20",
            "submitter_name": "张某",
            "submitter_contact": "0632-1234567",
            "facts": "获奖情况不实",
        },
        lambda w: ENTRY_PAGE,
    ),
    Endpoint("objection-list", custom("roster_objections"), {OFFICE, SUPER}),
    Endpoint("objection-detail", custom("roster_objection", _pk("objection")), {OFFICE, SUPER}),
    Endpoint(
        "objection-decide",
        lambda w: reverse("roster_objection_decide", args=(w.objection.entry_id, w.objection.pk)),
        {OFFICE, SUPER},
        "post",
        lambda w: {"status": "dismissed", "finding": "经核实不实", "reply": "经核实，异议不成立。"},
        lambda w: reverse("roster_objections"),
    ),
    Endpoint("application-page", custom("roster_application", _pk("qualified")), {OFFICE, LEADER, REC, EXPERT, SUPER}),
    Endpoint(
        "score-add",
        custom("roster_score_add", _pk("qualified")),
        {EXPERT},
        "post",
        lambda w: {
            "score": 77,
            "finding_ethics": "好",
            "finding_skill": "领先",
            "finding_innovation": "有成果",
            "finding_mentoring": "突出",
            "opinion": "矩阵测试",
        },
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "inspection",
        custom("roster_inspection", _pk("inspection")),
        OFFICE_ONLY,
        "post",
        lambda w: {"inspection_result": "objection", "inspection_note": "群众反映有异议"},
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "evaluation-add",
        custom("roster_evaluation_add", _pk("active")),
        OFFICE_ONLY,
        "post",
        lambda w: {"year": 2025, "result": "pass", "comment": "履职良好"},
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "revocation-add",
        custom("roster_revocation_add", _pk("active")),
        {REC, OFFICE, SUPER},
        "post",
        lambda w: {"title": "处分决定", "file": _pdf()},
        lambda w: ENTRY_PAGE,
    ),
    Endpoint(
        "allowance-compute",
        custom("roster_allowance_compute"),
        OFFICE_ONLY,
        "post",
        lambda w: (w.active, {"year": "2025"})[1],
        lambda w: "/admin/roster/allowance/",
    ),
    Endpoint(
        "allowance-approve",
        lambda w: (w.draft_run, reverse("roster_allowance_approve", args=(2025,)))[1],
        OFFICE_ONLY,
        "post",
        lambda w: {},
        lambda w: "/admin/roster/allowance/2025/",
    ),
    # Wagtail's built-in views that list or name records (issue “Trust” 1): the same row rules, or closed.
    Endpoint("site-history", lambda w: "/admin/reports/site-history/", {OFFICE, LEADER, EDITOR, SUPER}),
    Endpoint("site-history-results", lambda w: "/admin/reports/site-history/results/", {OFFICE, LEADER, EDITOR, SUPER}),
    Endpoint("site-history-csv", lambda w: "/admin/reports/site-history/?export=csv", {OFFICE, LEADER, EDITOR, SUPER}),
    Endpoint("second-factor-accounts", custom("roster_2fa_accounts"), OFFICE_ONLY),
    # Issue 13: every staff member has an inbox and its settings; the record of mail is the office's.
    Endpoint("inbox", custom("roster_inbox"), set(ROLES) - {ANON}),
    Endpoint("inbox-settings", custom("roster_inbox_settings"), set(ROLES) - {ANON}),
    Endpoint("mail-log", custom("roster_mail_log"), OFFICE_ONLY),
    Endpoint(
        "mail-resend",
        lambda w: reverse("roster_mail_resend", args=(_failed_mail().pk,)),
        OFFICE_ONLY,
        "post",
        lambda w: {},
        lambda w: reverse("roster_mail_log"),
    ),
    # Usage, like history, needs add/change/delete rights (view-only roles read the inspect page).
    Endpoint("entry-usage", snippet("entry", "usage", lambda w: w.draft), {REC, OFFICE, SUPER}),
    Endpoint("person-usage", snippet("person", "usage", lambda w: w.draft.person), {REC, OFFICE, SUPER}),
    # The chooser opens for every staff role and lists only its visible rows (test_trust checks the rows).
    Endpoint(
        "entry-chooser",
        lambda w: "/admin/snippets/choose/roster/entry/",
        {REC, OFFICE, EXPERT, LEADER, EDITOR, FINANCE, SUPER},
    ),
    Endpoint(
        "entry-chosen-draft",
        lambda w: f"/admin/snippets/choose/roster/entry/chosen/{w.draft.pk}/",
        ALL_STAFF_SEE,
    ),
    Endpoint(
        "entry-bulk-delete-confirm",
        lambda w: f"/admin/bulk/roster/entry/delete/?id={w.draft.pk}",
        ALL_STAFF_SEE,
    ),
]
for _endpoint in ENDPOINTS:
    _endpoint.allowed = frozenset(_endpoint.allowed)
    assert _endpoint.allowed <= set(ROLES), _endpoint.key

CELLS = [(e, role) for e in ENDPOINTS for role in ROLES]
MATRIX_ID = f"matrix-{len(ROLES)}roles-x-{len(ENDPOINTS)}endpoints-{len(CELLS)}cells"


def is_refusal(response) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location == reverse("wagtailadmin_home") or location.startswith(reverse("wagtailadmin_login"))
    return False


@pytest.mark.parametrize("size", [len(CELLS)], ids=[MATRIX_ID])
def test_matrix_size_is_reported(size):
    """The size of the matrix, visible in the test id (-v) and in the output (-s)."""
    print(f"\npermission matrix: {MATRIX_ID} (+ {len(TRANSITION_CELLS)} transition cells)")
    assert size == len(ROLES) * len(ENDPOINTS) >= 300


@pytest.mark.parametrize(
    "endpoint,role", CELLS, ids=[f"{e.key}-{r}-{'allow' if r in e.allowed else 'refuse'}" for e, r in CELLS]
)
def test_permission_cell(client, endpoint, role):
    world = World()
    user = make_user(role, world)
    url = endpoint.url(world)
    if user is not None:
        client.force_login(user)
    allowed = role in endpoint.allowed
    if endpoint.method == "get":
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, f"{role} should reach {url}: {response.status_code}"
        else:
            assert is_refusal(response), f"{role} reached {url}: {response.status_code} {response.get('Location')}"
        return
    data = endpoint.data(world)
    before = fingerprint()
    response = client.post(url, data)
    after = fingerprint()
    if allowed:
        assert response.status_code == 302, f"{role} POST {url}: {response.status_code}"
        assert response["Location"].startswith(endpoint.success(world)), response["Location"]
        assert after != before, f"{role} POST {url} was accepted but changed nothing"
    else:
        assert after == before, f"{role} POST {url} changed the database"
        # A move that the user's role may not take is explained on the entry's own page.
        explained = response.status_code == 302 and response["Location"].startswith(ENTRY_PAGE)
        assert is_refusal(response) or explained, f"{role} POST {url}: {response.status_code}"


# ---------------------------------------------------------------------------------------------------
# A 推荐单位经办人 of unit A never reaches unit B's records by changing an id
# ---------------------------------------------------------------------------------------------------


def test_recommender_never_reaches_another_units_records_by_id(client):
    world = World()
    mine = world._entry(S.ACTIVE)
    theirs = world._entry(S.ACTIVE, unit=world.unit_b)
    theirs_draft = world._entry(S.DRAFT, unit=world.unit_b)
    their_revocation = RevocationEvidence(entry=theirs, title="材料")
    their_revocation.file.save("x.pdf", _pdf(), save=True)
    user = make_user(REC, world)
    client.force_login(user)
    assert client.get(snippet("entry", "inspect", lambda w: mine)(world)).status_code == 200
    gets = [
        snippet("entry", "inspect", lambda w: theirs)(world),
        snippet("entry", "inspect", lambda w: theirs_draft)(world),
        snippet("entry", "edit", lambda w: theirs_draft)(world),
        snippet("entry", "history", lambda w: theirs_draft)(world),
        snippet("entry", "usage", lambda w: theirs_draft)(world),
        snippet("entry", "delete", lambda w: theirs_draft)(world),
        snippet("person", "inspect", lambda w: theirs_draft.person)(world),
        snippet("person", "edit", lambda w: theirs_draft.person)(world),
        snippet("person", "history", lambda w: theirs_draft.person)(world),
        snippet("person", "delete", lambda w: theirs_draft.person)(world),
        snippet("unit", "inspect", lambda w: w.unit_b)(world),
        snippet("unit", "history", lambda w: w.unit_b)(world),
        reverse("roster_evidence", args=(theirs_draft.evidence_files.first().pk,)),
        reverse("roster_evidence", args=(theirs.evidence_files.first().pk,)),
        reverse("roster_revocation_file", args=(their_revocation.pk,)),
        reverse("roster_form_docx", args=(theirs_draft.pk,)),
        reverse("roster_form_docx", args=(theirs.pk,)),
        reverse("roster_certificate_docx", args=(theirs.pk,)),
    ]
    for url in gets:
        response = client.get(url)
        assert is_refusal(response), f"{url}: {response.status_code}"
    # Lists and exports show only unit A.
    for url in (reverse("wagtailsnippets_roster_entry:list"), reverse("wagtailsnippets_roster_person:list")):
        html = client.get(url).content.decode()
        assert mine.person.name in html and theirs.person.name not in html and theirs_draft.person.name not in html
    before = fingerprint()
    posts = [
        (reverse("roster_entry_move", args=(theirs_draft.pk, "start_unit_publicity")), {"comment": ""}),
        (
            reverse("roster_entry_move", args=(theirs_draft.pk, "withdraw")),
            {"comment": "本人申请撤回", "confirmed": "True"},
        ),
        (
            reverse("roster_entry_move", args=(theirs.pk, "propose_revocation")),
            {"comment": "不实", "ground": "4", "fact_date": "2026-03-01", "confirmed": "True"},
        ),
        (reverse("roster_revocation_add", args=(theirs.pk,)), {"title": "材料", "file": _pdf()}),
        (
            reverse("roster_objection_add", args=(theirs_draft.pk,)),
            {"window": "unit", "received_on": "2026-11-20", "submitter_name": "张某", "submitter_contact": "x"},
        ),
        (
            snippet("person", "edit", lambda w: theirs_draft.person)(world),
            {"name": "篡改", "id_number": theirs_draft.person.id_number, "phone": "13900000000"},
        ),
        (snippet("entry", "delete", lambda w: theirs_draft)(world), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert is_refusal(response), f"POST {url}: {response.status_code}"
    assert fingerprint() == before
    theirs_draft.person.refresh_from_db()
    assert theirs_draft.person.name != "篡改"


# ---------------------------------------------------------------------------------------------------
# Every transition × role through roster.services.perform
# ---------------------------------------------------------------------------------------------------

# The (transition, source) pairs the matrix drives, each against every actor; who may take them comes
# from the one SPEC oracle (tests.spec). OWN is the recommender of the entry's own unit.
OWN = spec.OWN
MATRIX_PAIRS = [
    ("start_unit_publicity", S.DRAFT),
    ("submit", S.UNIT_PUBLICITY),
    ("reject_after_unit_publicity", S.UNIT_PUBLICITY),
    ("resubmit", S.RETURNED),
    ("withdraw", S.DRAFT),
    ("withdraw", S.RETURNED),
    ("withdraw", S.UNIT_PUBLICITY),
    ("withdraw", S.SUBMITTED),
    ("withdraw", S.INSPECTION),
    ("pass_qualification", S.SUBMITTED),
    ("return_for_correction", S.SUBMITTED),
    ("fail_qualification", S.SUBMITTED),
    ("disqualify_for_fraud", S.SUBMITTED),
    ("disqualify_for_fraud", S.GOVERNMENT_REVIEW),
    ("shortlist", S.QUALIFIED),
    ("not_shortlist", S.QUALIFIED),
    ("start_district_publicity", S.SHORTLISTED),
    ("start_inspection", S.DISTRICT_PUBLICITY),
    ("reject", S.DISTRICT_PUBLICITY),
    ("reject", S.INSPECTION),
    ("reject", S.LEADING_GROUP_REVIEW),
    ("reject", S.GOVERNMENT_REVIEW),
    ("submit_to_leading_group", S.INSPECTION),
    ("submit_to_government", S.LEADING_GROUP_REVIEW),
    ("certify", S.GOVERNMENT_REVIEW),
    ("stop_benefits", S.ACTIVE),
    ("resume_benefits", S.BENEFITS_STOPPED),
    ("end_term", S.ACTIVE),
    ("end_term", S.BENEFITS_STOPPED),
    ("pass_term_evaluation", S.TERM_ENDED),
    ("fail_term_evaluation", S.TERM_ENDED),
    ("propose_revocation", S.ACTIVE),
    ("propose_revocation", S.TERM_PASSED),
    ("approve_revocation", S.REVOCATION_PENDING),
    ("dismiss_revocation", S.REVOCATION_PENDING),
]
MATRIX_KEY = {roles.OFFICE: OFFICE, roles.LEADING_GROUP: LEADER, spec.OWN: OWN}
SPEC_TRANSITION_ROLES = {
    (name, source): {MATRIX_KEY[r] for r in spec.spec_roles(source, name)} for name, source in MATRIX_PAIRS
}
ROLE_GROUP = {OFFICE: roles.OFFICE, LEADER: roles.LEADING_GROUP, OWN: roles.RECOMMENDER}
TRANSITION_ACTORS = (ANON, OWN, "other-unit recommender", OFFICE, EXPERT, LEADER, EDITOR, FINANCE, SUPER)


def test_spec_table_covers_every_transition_and_agrees_with_the_code():
    assert {name for name, _ in SPEC_TRANSITION_ROLES} == set(TRANSITIONS)
    for (name, source), spec_roles in SPEC_TRANSITION_ROLES.items():
        assert set(TRANSITIONS[name].roles_from(source)) == {ROLE_GROUP[r] for r in spec_roles}, (name, source)


def _legal_setup(name, source):
    """An entry in `source` where `name` passes every guard, and the keyword data it takes."""
    if name in ("end_term",):
        # a 2021 round: announced 2022-01-20, the term ended 2026-01-20
        entry = EntryFactory(status=source, round=RoundFactory(year=2021))
    else:
        entry = EntryFactory(status=source)
    data = {}
    if name == "reject_after_unit_publicity":
        ObjectionFactory(entry=entry, status="upheld")
    elif name == "start_district_publicity":
        from wagtail.models import Page

        from home.models import PublicityNoticePage

        notice = PublicityNoticePage(title="区级公示", slug=f"notice-{entry.pk}", round=entry.round, level="district")
        Page.get_first_root_node().add_child(instance=notice)
        notice.save_revision().publish()
        data = {"unit_posted_on": datetime.date(2024, 12, 1)}
    elif name == "certify":
        data = {"announcement_date": datetime.date(2025, 1, 20)}
    elif name == "stop_benefits":
        data = {"reason": "left_post", "effective_date": entry.announcement_date + datetime.timedelta(days=30)}
    elif name == "propose_revocation":
        data = {"ground": 4, "fact_date": datetime.date(2026, 3, 1)}
    return entry, data


def _actor(actor, entry):
    if actor == ANON:
        return AnonymousUser()
    if actor == SUPER:
        return UserFactory(is_superuser=True, is_staff=True)
    if actor == OWN:
        return UserFactory(role=roles.RECOMMENDER, unit=entry.unit)
    if actor == "other-unit recommender":
        return UserFactory(role=roles.RECOMMENDER, unit=UnitFactory())
    user = UserFactory(role=GROUP_OF[actor])
    if actor == EXPERT:
        entry.round.experts.add(user)
    return user


TRANSITION_CELLS = [(name, source, actor) for (name, source) in SPEC_TRANSITION_ROLES for actor in TRANSITION_ACTORS]


def _expected(name, source, actor) -> bool:
    return actor == SUPER or actor in SPEC_TRANSITION_ROLES[(name, source)]


@pytest.mark.parametrize(
    "name,source,actor",
    TRANSITION_CELLS,
    ids=[
        f"{n}-from-{s}-{a.replace(' ', '_')}-{'allow' if _expected(n, s, a) else 'refuse'}"
        for n, s, a in TRANSITION_CELLS
    ],
)
def test_transition_cell(name, source, actor):
    entry, data = _legal_setup(name, source)
    user = _actor(actor, entry)
    before_history = services.history(entry).count()
    comment = "（矩阵测试）书面说明"
    if _expected(name, source, actor):
        services.perform(entry, name, user, comment=comment, **data)
        entry.refresh_from_db()
        assert entry.status != source
        assert services.history(entry).count() == before_history + 1
    else:
        with pytest.raises(TransitionRefused) as refused:
            services.perform(entry, name, user, comment=comment, **data)
        assert refused.value.reason
        entry.refresh_from_db()
        assert entry.status == source
        assert services.history(entry).count() == before_history


# ---------------------------------------------------------------------------------------------------
# The powers table (workflow.powers) against SPEC §1 and §9, written out
# ---------------------------------------------------------------------------------------------------

CERTIFIED_STATES = {S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_ENDED, S.TERM_PASSED, S.REVOCATION_PENDING}


def spec_powers(role, state, own, assigned) -> dict[str, bool]:
    """Which powers `role` holds on an entry in `state`, from SPEC §1 and §9; `own`: the entry is of the
    user's unit; `assigned`: the user is an expert of the entry's round."""
    office, rec_own = role == OFFICE, role == REC and own
    table = {
        "see_all_rows": role in (OFFICE, LEADER),
        "see_personal_numbers": office or rec_own,
        "view_audit_log": office,
        "reset_second_factor": office,
        "see_dashboard": role in (REC, OFFICE, EXPERT, LEADER),
        "see_scores": office,
        "see_experts": role in (OFFICE, LEADER),
        "view_traceability": role in (OFFICE, LEADER),
        "view_statistics": role in (OFFICE, LEADER),
        "view_round_review": role in (OFFICE, LEADER),
        "view_site_history": role in (OFFICE, LEADER, EDITOR),
        "manage_rules": office,
        "correct_person": office,
        "add_objection": (office and state in (S.UNIT_PUBLICITY, S.DISTRICT_PUBLICITY))
        or (rec_own and state == S.UNIT_PUBLICITY),
        "decide_objection": office,
        # Nobody scores an entry of their own unit (an expert's unit, when it has one).
        "score": role == EXPERT and assigned and not own and state == S.QUALIFIED,
        "declare_recusal": role == EXPERT and assigned and state == S.QUALIFIED,
        "record_inspection": office and state == S.INSPECTION,
        "add_evaluation": office and state in (S.ACTIVE, S.BENEFITS_STOPPED, S.TERM_ENDED, S.REVOCATION_PENDING),
        "add_revocation_files": (office or rec_own) and state in CERTIFIED_STATES,
        "export_roster": role in (OFFICE, LEADER, REC),
        "read_application": role in (OFFICE, LEADER) or rec_own or (role == EXPERT and assigned),
        "print_application_form": office or rec_own,
        "print_certificate": office and state in CERTIFIED_STATES,
        "view_allowance": role in (OFFICE, FINANCE),
        "compute_allowance": office,
        "approve_allowance": office,
        "download_allowance": role in (OFFICE, FINANCE),
        "see_unapproved_allowance": role == OFFICE,
        # SPEC §2: the payee's bank account is an office-kept record.
        "keep_payee_data": office,
        # Issue 13: the office watches the mail that could not be delivered.
        "see_mail_log": office,
    }
    if role == SUPER:  # a superuser holds every power but an expert's own scoring and 回避
        return {power: power not in ("score", "declare_recusal") for power in table}
    return table


@dataclass
class FakeEntry:
    """Just what workflow.powers reads of an entry."""

    status: str
    own: bool
    assigned: bool

    def is_own_unit(self, user):
        return self.own

    def is_assigned_expert(self, user):
        return self.assigned

    def is_free_expert(self, user):
        return self.assigned and not self.own


def test_powers_table_agrees_with_the_spec_for_every_role_state_and_scope():
    from workflow.powers import POWERS, may

    assert set(POWERS) == set(spec_powers(OFFICE, S.DRAFT, False, False))
    users = {role: make_user(role, World()) for role in (REC, OFFICE, EXPERT, LEADER, EDITOR, FINANCE, SUPER)}
    for power in POWERS:
        for role, user in users.items():
            for state in S.values:
                for own in (False, True):
                    for assigned in (False, True):
                        entry = FakeEntry(state, own, assigned)
                        expected = spec_powers(role, state, own, assigned)[power]
                        assert may(user, power, entry) == expected, (power, role, state, own, assigned)
            assert not may(AnonymousUser(), power, FakeEntry(S.ACTIVE, True, True))
