"""The layers of docs/architecture.md hold for migrations too (import-linter, in `make lint`, checks the
Python imports): workflow's migrations depend on neither roster nor home, roster's not on home."""

import pytest
from django.db.migrations.loader import MigrationLoader

from workflow.states import Status
from workflow.transitions import TRANSITIONS, path_to

BELOW = {"workflow": set(), "roster": {"workflow"}, "home": {"workflow", "roster"}}
OURS = {"workflow", "roster", "home", "bench"}


@pytest.mark.parametrize("app", sorted(BELOW))
def test_migrations_depend_only_on_lower_layers(app):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (label, name), migration in loader.disk_migrations.items():
        if label != app:
            continue
        ours = {dep[0] for dep in migration.dependencies if dep[0] in OURS} - {app}
        assert ours <= BELOW[app], f"{label}.{name} depends on {sorted(ours - BELOW[app])}"


def test_every_state_is_reached_by_declared_moves():
    for state in Status.values:
        steps = path_to(state)
        current = Status.DRAFT
        for name, source, target in steps:
            assert source == current and source in TRANSITIONS[name].source and target in TRANSITIONS[name].targets
            current = target
        assert current == state


def test_the_state_diagram_in_docs_is_the_one_the_code_draws():
    from pathlib import Path

    from workflow.transitions import mermaid

    doc = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in doc
