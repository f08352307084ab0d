"""The contracts the repository keeps in files: the GraphQL schema partners code against
(schema.graphql) and the migrations already on main (alembic/migrations.lock).

`make schema` rewrites schema.graphql from the code; `make migrations-lock` records the
migrations that are not in the lock yet and never rewrites one that is.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema.graphql"
LOCK_FILE = ROOT / "alembic" / "migrations.lock"
MIGRATION_FOLDERS = ("alembic/versions", "alembic/read_models/versions", "alembic/keys/versions")


def served_schema() -> str:
    """The SDL of the schema the API serves (production and development print the same)."""
    from osezia.graphql.schema import build_schema

    return str(build_schema(production=True)) + "\n"


def migration_files() -> dict[str, str]:
    """Every migration's path, from the repository's root, and the SHA-256 of its bytes."""
    return {
        path.relative_to(ROOT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in MIGRATION_FOLDERS
        for path in sorted((ROOT / folder).glob("*.py"))
    }


def locked_migrations() -> dict[str, str]:
    """What alembic/migrations.lock records: `<sha256>  <path>` a line, # for comments."""
    locked = {}
    for line in LOCK_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, path = line.split(maxsplit=1)
            locked[path] = digest
    return locked


def lock_new_migrations() -> list[str]:
    """Append the migrations the lock does not list yet; returns their paths."""
    locked = locked_migrations()
    new = {path: digest for path, digest in migration_files().items() if path not in locked}
    with LOCK_FILE.open("a", encoding="utf-8") as lock:
        for path, digest in new.items():
            lock.write(f"{digest}  {path}\n")
    return list(new)


def main(argv: list[str]) -> int:
    if argv == ["schema"]:
        SCHEMA_FILE.write_text(served_schema(), encoding="utf-8")
        print(f"wrote {SCHEMA_FILE.relative_to(ROOT)}: review the diff before committing it")
        return 0
    if argv == ["migrations-lock"]:
        for path in lock_new_migrations():
            print(f"locked {path}")
        return 0
    print("usage: python -m tests.contracts schema|migrations-lock", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
