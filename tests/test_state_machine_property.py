"""Stateful property test of the entry lifecycle (SPEC §6, §11): random moves by random roles on a few
entries of one round with a quota of 2.

Each Hypothesis example runs inside its own `transaction.atomic()` block that is always rolled back in
`teardown`, so examples never see each other's rows; the test function holds pytest-django's `db`
fixture (one outer transaction for the whole test).
"""

import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from roster.models import Entry, Objection
from roster.services import history, perform
from tests.factories import EntryFactory, ObjectionFactory, PersonFactory, RoundFactory, UnitFactory, UserFactory
from tests.moves import link_district_notice, move_data
from tests.spec import EDGES, OWN, SPEC_COMMENT_REQUIRED, spec_roles
from workflow import roles
from workflow.errors import TransitionRefused
from workflow.states import NEGATIVE_STATES, QUOTA_STATES, TITLED, Status
from workflow.transitions import TRANSITIONS

S = Status
QUOTA = 2
MAX_ENTRIES = 6

# Start states an entry of a 2024 round can have (term_ended/term_passed need a 2021 round).
OPEN_START = [S.DRAFT, S.UNIT_PUBLICITY, S.SUBMITTED, S.RETURNED, S.QUALIFIED]
QUOTA_START = [
    S.SHORTLISTED,
    S.DISTRICT_PUBLICITY,
    S.INSPECTION,
    S.LEADING_GROUP_REVIEW,
    S.GOVERNMENT_REVIEW,
    S.ACTIVE,
    S.BENEFITS_STOPPED,
    S.REVOCATION_PENDING,
]
ROLE_KEYS = ("office", "office2", "rec_own", "rec_other", "leading_group", "expert", "finance", "editor")
# What each key is in SPEC §6's table (tests.spec); the others may take no move.
KEY_ROLE = {"office": roles.OFFICE, "office2": roles.OFFICE, "rec_own": OWN, "leading_group": roles.LEADING_GROUP}
COMMENT = "（测试）书面说明"
# Shrinking examples that build many database rows takes minutes; a failure prints its (unshrunk) steps.
# Set HYPOTHESIS_SHRINK=1 to shrink.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, *([Phase.shrink] if os.environ.get("HYPOTHESIS_SHRINK") else [])]
LIKELY = st.sampled_from([True, True, True, False])


class LifecycleMachine(RuleBasedStateMachine):
    district_notice = None  # the demo site's live district notice, set by the test

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        # Nothing leaks from an earlier example.
        assert not Entry.objects.exists()
        self.entries: list[int] = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ----- fixtures of one example -----
    @initialize(
        open_states=st.lists(st.sampled_from(OPEN_START), min_size=1, max_size=MAX_ENTRIES - QUOTA - 2),
        quota_states=st.lists(st.sampled_from(QUOTA_START), max_size=QUOTA),
    )
    def build(self, open_states, quota_states):
        self.round = RoundFactory(quota=QUOTA)
        link_district_notice(self.round, self.district_notice)
        self.units = [UnitFactory(), UnitFactory()]
        # qualified entries first in line, so that shortlisting against the quota happens often
        states = [S.QUALIFIED, S.QUALIFIED, *open_states, *quota_states]
        for i, state in enumerate(states):
            entry = EntryFactory(status=state, round=self.round, person=PersonFactory(unit=self.units[i % 2]))
            self.entries.append(entry.pk)
        self.users = {key: UserFactory(role=roles.OFFICE) for key in ("office", "office2")}
        self.users["leading_group"] = UserFactory(role=roles.LEADING_GROUP)
        self.users["expert"] = UserFactory(role=roles.EXPERT)
        self.users["finance"] = UserFactory(role=roles.FINANCE)
        self.users["editor"] = UserFactory(role=roles.EDITOR)
        self.recommenders = {unit.pk: UserFactory(role=roles.RECOMMENDER, unit=unit) for unit in self.units}
        self.expected = {pk: Entry.objects.get(pk=pk).status for pk in self.entries}
        self.baseline = {pk: history(Entry(pk=pk)).count() for pk in self.entries}
        self.successes = dict.fromkeys(self.entries, 0)

    def _user(self, key, entry):
        if key == "rec_own":
            return self.recommenders[entry.unit_id]
        if key == "rec_other":
            return next(u for unit_id, u in self.recommenders.items() if unit_id != entry.unit_id)
        return self.users[key]

    # ----- the only thing that may move an entry -----
    @rule(data=st.data())
    def move(self, data):
        # Mostly an entry that can still move, and a forward move that leaves its current state by a role that
        # may take it (so that entries travel far); otherwise any entry, any name, any role.
        live = [pk for pk in self.entries if any(s == self.expected[pk] for s, _ in EDGES)]
        pool = live if live and data.draw(LIKELY, label="live entry") else self.entries
        pk = data.draw(st.sampled_from(pool), label="entry")
        entry = Entry.objects.get(pk=pk)
        before = entry.status
        leaving = sorted(n for (s, n) in EDGES if s == before)
        forward = [n for n in leaving if EDGES[(before, n)] not in NEGATIVE_STATES]
        if leaving and data.draw(LIKELY, label="legal name"):
            name = data.draw(st.sampled_from(forward if forward and data.draw(LIKELY) else leaving), label="name")
        else:
            name = data.draw(st.sampled_from(list(TRANSITIONS)), label="name")
        fitting = [k for k in ROLE_KEYS if KEY_ROLE.get(k) in spec_roles(before, name)]
        if fitting and data.draw(LIKELY, label="fitting role"):
            role = data.draw(st.sampled_from(fitting), label="role")
        else:
            role = data.draw(st.sampled_from(ROLE_KEYS), label="role")
        with_comment = data.draw(LIKELY, label="comment")
        with_data = data.draw(LIKELY, label="data")
        user = self._user(role, entry)
        payload = move_data(name, entry) if with_data else {}
        try:
            perform(entry, name, user, comment=COMMENT if with_comment else "", **payload)
        except TransitionRefused as exc:
            assert exc.reason.strip()
            assert isinstance(exc.article, str)
            assert Entry.objects.get(pk=pk).status == before
            event("refused")
            return
        after = Entry.objects.get(pk=pk).status
        self.successes[pk] += 1
        self.expected[pk] = after
        event(f"moved: {name}")
        # a success is a legal edge of SPEC §6, taken by a role the table allows, with its comment
        assert (before, name) in EDGES, (before, name)
        assert KEY_ROLE.get(role) in spec_roles(before, name), (before, name, role)
        if name in SPEC_COMMENT_REQUIRED:
            assert with_comment, name
        if name == "dismiss_revocation":
            assert after in TITLED
        else:
            assert after == EDGES[(before, name)]

    @rule(data=st.data())
    def another_move(self, data):
        """Moves are drawn twice as often as the record-keeping rules below."""
        self.move(data)

    # ----- records staff add along the way (never a status change) -----
    @rule(index=st.integers(0, MAX_ENTRIES), window=st.sampled_from(["unit", "district"]))
    def raise_objection(self, index, window):
        pk = self.entries[index % len(self.entries)]
        ObjectionFactory(entry=Entry.objects.get(pk=pk), window=window)

    @rule(index=st.integers(0, MAX_ENTRIES))
    def settle_objections(self, index):
        pk = self.entries[index % len(self.entries)]
        Objection.objects.filter(entry_id=pk, status="open").update(status="dismissed", finding="经核实，异议不成立")

    # ----- invariants -----
    @invariant()
    def status_changes_only_through_perform(self):
        for pk in self.entries:
            assert Entry.objects.get(pk=pk).status == self.expected[pk]

    @invariant()
    def quota_never_exceeded(self):
        if self.entries:
            assert self.round.entries.filter(status__in=QUOTA_STATES).count() <= self.round.quota

    @invariant()
    def negative_outcomes_have_a_comment(self):
        for pk in self.entries:
            for row in history(Entry(pk=pk)):
                if row.data["to"] in NEGATIVE_STATES:
                    assert (row.data.get("comment") or "").strip(), row.data

    @invariant()
    def history_counts_successful_moves(self):
        for pk in self.entries:
            assert history(Entry(pk=pk)).count() == self.baseline[pk] + self.successes[pk]


def test_lifecycle_state_machine(demo_site):
    LifecycleMachine.district_notice = demo_site["publicity"]
    try:
        run_state_machine_as_test(
            LifecycleMachine,
            settings=settings(
                max_examples=40,
                stateful_step_count=30,
                deadline=None,
                database=None,
                phases=PHASES,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            ),
        )
    finally:
        LifecycleMachine.district_notice = None
    # every example was rolled back
    assert not Entry.objects.exists()


@pytest.mark.parametrize("quota_states", [[S.SHORTLISTED, S.ACTIVE], [S.INSPECTION]])
def test_quota_holds_when_every_qualified_entry_is_shortlisted(db, quota_states):
    """A deterministic companion of the machine: shortlisting every candidate never exceeds the quota."""
    round_ = RoundFactory(quota=QUOTA)
    for state in quota_states:
        EntryFactory(status=state, round=round_)
    candidates = [EntryFactory(status=S.QUALIFIED, round=round_) for _ in range(3)]
    office = UserFactory(role=roles.OFFICE)
    moved = 0
    for entry in candidates:
        try:
            perform(Entry.objects.get(pk=entry.pk), "shortlist", office)
            moved += 1
        except TransitionRefused as exc:
            assert exc.article == "第四条"
    assert moved == QUOTA - len(quota_states)
    assert round_.entries.filter(status__in=QUOTA_STATES).count() == QUOTA
