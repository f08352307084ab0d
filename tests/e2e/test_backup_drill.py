"""The backup and restore drill, as the README gives it: dump the log and the registry with
pg_dump, restore into a fresh database with pg_restore, `osezia migrate`, `osezia rebuild`
every target, and every read model is the same, row for row.

What the dump leaves out is rebuilt or made again: the read models (every `tenant_*` and
`platform*` schema, and `read_model_versions`), the token signing keys (the restored API makes a
new key; tokens signed before are refused, and clients ask for new ones) and the client
assertions already used (they expire within minutes). The tenant and client registries are
event-sourced: they are in the log.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from osezia.projections.names import stable_schema
from osezia.store.keys_setup import derived_keys_url
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import OSEZIA, command_env
from tests.services import PG_BIN, fresh_database

DUMP = [
    str(PG_BIN / "pg_dump"),
    "--format=custom",
    "--no-owner",
    "--no-acl",
    "--exclude-schema=tenant_*",
    "--exclude-schema=platform",
    "--exclude-schema=platform_v*",
    "--exclude-table-data=read_model_versions",
    "--exclude-table-data=signing_keys",
    "--exclude-table-data=used_client_assertions",
]
# The position a target's models reached is compared, not when the rebuild wrote it.
COLUMNS = {"tracking": "position"}
RESTORE = [str(PG_BIN / "pg_restore"), "--no-owner", "--no-acl", "--exit-on-error"]


# The key store every database of the drill uses: the one beside the database backed up. It is
# not in the log's backup, and the restored database is pointed at it, as the README says.
KEY_STORE: dict[str, str] = {}


def osezia(database_url: str, *arguments: str) -> str:
    keys = {"OSEZIA_KEYS_URL": KEY_STORE["url"]} if KEY_STORE else {}
    run = subprocess.run(
        [*OSEZIA, *arguments],
        env=command_env(DATABASE_URL=database_url, **keys),  # no REDIS_URL: rebuilds in process
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"osezia {' '.join(arguments)}: {run.stderr}"
    return run.stdout


def targets(database_url: str) -> list[str]:
    """The platform and every tenant not offboarded, as an operator lists them."""
    listed = json.loads(osezia(database_url, "tenants", "list", "--json"))
    return ["platform"] + [t["slug"] for t in listed if t["status"] != "OFFBOARDED"]


def rebuild_every_target(database_url: str) -> None:
    for target in targets(database_url):
        assert "is LIVE" in osezia(database_url, "rebuild", target)


def read_models(database_url: str, target: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every relation the target's readers see, in a canonical order."""
    with psycopg.connect(database_url) as conn:
        relations = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm') ORDER BY c.relname",
            (stable_schema(target),),
        ).fetchall()
        schema = stable_schema(target)
        return {
            name: sorted(
                conn.execute(
                    f'SELECT {COLUMNS.get(name, "*")} FROM "{schema}"."{name}"'
                ).fetchall(),
                key=repr,
            )
            for (name,) in relations
        }


@pytest.fixture
def databases(postgres_admin: str) -> Iterator[tuple[str, str]]:
    """The database backed up, and the fresh one it is restored into; both dropped after."""
    with (
        fresh_database(postgres_admin, "osezia_drill") as source,
        fresh_database(postgres_admin, "osezia_drill") as restored,
    ):
        yield source, restored


def test_a_restored_log_rebuilds_the_same_read_models(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, restored = databases
    osezia(source, "migrate")  # makes the key store beside the source (development's default)
    KEY_STORE["url"] = derived_keys_url(source)
    osezia(source, "demo", "--companies", "120")
    osezia(source, "tenants", "add", "ademe", "--name", "ADEME", "--like", "cci")
    osezia(source, "tenants", "suspend", "inria", "--reason", "drill")
    with Clients(env=Database.from_url(source).eventsourcing_env(pool_size=1)) as clients:
        client_id, secret = clients.create_client("cci", role="officer", name="drill")
    assert secret is not None
    rebuild_every_target(source)
    dump = tmp_path / "osezia.dump"

    subprocess.run([*DUMP, f"--file={dump}", source], check=True, capture_output=True)
    subprocess.run([*RESTORE, f"--dbname={restored}", str(dump)], check=True, capture_output=True)
    osezia(restored, "migrate")
    rebuild_every_target(restored)

    assert targets(restored) == targets(source)
    assert osezia(restored, "tenants", "list") == osezia(source, "tenants", "list")
    compared = 0
    for target in targets(source):
        before, after = read_models(source, target), read_models(restored, target)
        assert after.keys() == before.keys(), target
        for relation, rows in before.items():
            assert after[relation] == rows, f"{target}.{relation}"
            compared += len(rows)
    assert compared > 1000
    with Clients(env=Database.from_url(restored).eventsourcing_env(pool_size=1)) as clients:
        assert clients.authenticate_secret(client_id, secret) is not None
    KEY_STORE.clear()
