"""The revisions of the global tables' migrations, read from their files as text.

The API checks at start-up which revisions this release ships (its readiness says when the
database has migrations left to run); alembic would tell it too, but importing alembic brings
sqlalchemy, mako and pygments into every API process (30 MB) for two strings. Each migration
names itself and what it follows in plain assignments (`revision = "0006"`,
`down_revision = "0005"`): `ast` reads them without running the file. The migrations themselves
are run by alembic (osezia.store.migrations), which tests/unit/test_revisions.py checks this
module agrees with.
"""

from __future__ import annotations

import ast
import configparser
import os
from dataclasses import dataclass
from pathlib import Path

_PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class MigrationChainError(ValueError):
    """The migration files do not make one chain: a file names no revision, or the chain has
    more than one head (a merge migration is missing)."""

    code = "MIGRATION_CHAIN"


@dataclass(frozen=True)
class Revisions:
    """A chain of migrations: its last revision (None when it has none) and all of them."""

    head: str | None
    known: frozenset[str]


def log_revisions() -> Revisions:
    """The revisions of the global tables (the event log's) that this release ships: those
    osezia.store.migrations.head_revision and known_revisions name."""
    return read_revisions(_log_versions())


def read_revisions(versions: Path) -> Revisions:
    """The chain of the migrations in `versions`, the files alembic would load from it."""
    follows: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions.glob("*.py")):
        if path.name.startswith((".#", "__init__")):  # alembic skips them too
            continue
        revision, down = _names(path)
        follows[revision] = down
    followed = {down for downs in follows.values() for down in downs}
    heads = sorted(set(follows) - followed)
    if len(heads) > 1:
        raise MigrationChainError(f"the migrations in {versions} have several heads: {heads}")
    return Revisions(heads[0] if heads else None, frozenset(follows))


def _names(path: Path) -> tuple[str, tuple[str, ...]]:
    """A migration's `revision` and the revisions it follows (`down_revision`: none, one, or
    several for a merge)."""
    values: dict[str, object] = {}
    for statement in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                raise MigrationChainError(f"{path}: {target.id} is not a literal") from None
    revision, down = values.get("revision"), values.get("down_revision")
    if not isinstance(revision, str):
        raise MigrationChainError(f"{path} names no revision")
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
        return revision, tuple(str(d) for d in down)
    raise MigrationChainError(f"{path}: down_revision is neither a revision nor a list of them")


def _log_versions() -> Path:
    """Where alembic's configuration (OSEZIA_ALEMBIC_INI, else the project's alembic.ini) keeps
    the global tables' migrations: `versions` under its script_location."""
    ini = os.environ.get("OSEZIA_ALEMBIC_INI") or str(_PROJECT_ROOT / "alembic.ini")
    # alembic reads its file with the same parser, `here` being the file's directory.
    parser = configparser.ConfigParser({"here": os.path.abspath(os.path.dirname(ini))})
    if not parser.read(ini, encoding="utf-8"):
        raise MigrationChainError(f"no alembic configuration at {ini}")
    return Path(parser.get("alembic", "script_location")) / "versions"
