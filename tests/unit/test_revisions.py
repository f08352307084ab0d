"""The API reads its migrations' revisions from their files (osezia.store.revisions), without
alembic: it must name the same head and the same revisions as alembic does."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from osezia.store.migrations import head_revision, known_revisions
from osezia.store.revisions import MigrationChainError, Revisions, log_revisions, read_revisions

ALEMBIC = Path(__file__).resolve().parents[2] / "alembic"
ANY_URL = "postgresql://nobody@127.0.0.1:1/none"  # read for its attributes, never connected to


def alembic_revisions(directory: Path) -> Revisions:
    script = ScriptDirectory(str(directory))
    return Revisions(
        script.get_current_head(), frozenset(r.revision for r in script.walk_revisions())
    )


def a_chain(directory: Path, migrations: dict[str, str | tuple[str, ...] | None]) -> Path:
    versions = directory / "versions"
    versions.mkdir(parents=True)
    for revision, down in migrations.items():
        (versions / f"{revision}_step.py").write_text(
            f'"""Step {revision}."""\n\n'
            f"revision: str = {revision!r}\n"
            f"down_revision = {down!r}\n"
            "branch_labels = None\n"
            "depends_on = None\n",
            encoding="utf-8",
        )
    return directory


def test_the_log_s_head_and_revisions_are_those_alembic_names() -> None:
    revisions = log_revisions()

    assert revisions.head == head_revision(ANY_URL)
    assert revisions.known == known_revisions(ANY_URL)
    assert revisions.head in revisions.known


@pytest.mark.parametrize("environment", [".", "read_models", "keys"])
def test_every_chain_this_release_ships_reads_as_alembic_reads_it(environment: str) -> None:
    directory = ALEMBIC / environment

    assert read_revisions(directory / "versions") == alembic_revisions(directory)


def test_a_merge_migration_is_the_one_head_of_the_branches_it_joins(tmp_path: Path) -> None:
    directory = a_chain(tmp_path, {"a": None, "b": "a", "c": "a", "d": ("b", "c")})

    revisions = read_revisions(directory / "versions")

    assert revisions == Revisions("d", frozenset("abcd"))
    assert revisions == alembic_revisions(directory)


def test_branches_left_unmerged_are_refused(tmp_path: Path) -> None:
    directory = a_chain(tmp_path, {"a": None, "b": "a", "c": "a"})

    with pytest.raises(MigrationChainError, match="several heads"):
        read_revisions(directory / "versions")


def test_no_migration_yet_has_no_head(tmp_path: Path) -> None:
    (tmp_path / "versions").mkdir()

    assert read_revisions(tmp_path / "versions") == Revisions(None, frozenset())


def test_the_configuration_osezia_alembic_ini_names_is_the_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_chain(tmp_path / "elsewhere", {"x1": None, "x2": "x1"})
    ini = tmp_path / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/elsewhere\n", encoding="utf-8")
    monkeypatch.setenv("OSEZIA_ALEMBIC_INI", str(ini))

    assert log_revisions() == Revisions("x2", frozenset({"x1", "x2"}))
    assert log_revisions().head == head_revision(ANY_URL)
