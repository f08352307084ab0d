"""A person's rights through the `osezia` command: the operator exports an ambassador, erases
them, and their name is found nowhere in a `pg_dump` of the database; a backup of the log taken
before the erasure, restored and rebuilt as the backup drill does, still reads « effacé »: the
keys live apart from the events."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.store.keys import Keyring, PostgresKeys, using_keyring
from osezia.store.keys_setup import create_database, derived_keys_url
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import OSEZIA, command_env
from tests.e2e.test_backup_drill import DUMP, RESTORE
from tests.integration.privacy_support import dump_of, head, places_holding
from tests.services import fresh_database

NAME = "Aurélien Ferrandou"


def osezia(database_url: str, keys: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OSEZIA, *arguments],
        env=command_env(DATABASE_URL=database_url, OSEZIA_KEYS_URL=keys),
        capture_output=True,
        text=True,
    )


def exported(database_url: str, keys: str, record_id: str) -> dict[str, Any]:
    run = osezia(database_url, keys, "privacy", "export", record_id)
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def directory_names(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT full_name FROM platform.ambassadors").fetchall()
    return {name for (name,) in rows}


def rebuild_every_target(database_url: str, keys: str) -> None:
    for target in ("platform", "cci", "operator"):
        run = osezia(database_url, keys, "rebuild", target)
        assert "is LIVE" in run.stdout, run.stderr


@pytest.fixture
def databases(postgres_admin: str) -> Iterator[tuple[str, str]]:
    with (
        fresh_database(postgres_admin, "osezia_privacy") as source,
        fresh_database(postgres_admin, "osezia_privacy") as restored,
    ):
        yield source, restored


def test_the_operator_erases_an_ambassador_and_a_backup_from_before_stays_erased(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source, restored = databases
    # One key store for the log and its restored copy, as a deployment keeps its own.
    keys = derived_keys_url(source)
    create_database(keys)
    assert osezia(source, keys, "migrate").returncode == 0
    ambassador, kept = appoint(source, keys, NAME), appoint(source, keys, "Berthe Morisot")
    rebuild_every_target(source, keys)
    before = exported(source, keys, ambassador)
    assert before["records"][0]["events"][0]["fields"]["full_name"] == NAME
    assert before["rows"]["ambassadors"][0]["full_name"] == NAME
    backup = tmp_path / "before-erasure.dump"
    subprocess.run([*DUMP, f"--file={backup}", source], check=True, capture_output=True)

    unknown = osezia(source, keys, "privacy", "erase", "not-an-id", "--reason", "art. 17")
    erased = osezia(source, keys, "privacy", "erase", ambassador, "--reason", "RGPD art. 17")
    position = head(source)
    again = osezia(source, keys, "privacy", "erase", ambassador, "--reason", "RGPD art. 17")

    assert (unknown.returncode, unknown.stderr.strip()) == (
        2,
        "osezia: NOT_FOUND: no person with id not-an-id",
    )
    assert erased.returncode == 0, erased.stderr
    assert "is erased" in erased.stdout
    assert again.returncode == 0
    assert "already erased" in again.stdout
    assert head(source) == position
    after = exported(source, keys, ambassador)
    assert after["erased"] is True
    assert after["records"][0]["events"][0]["fields"]["full_name"] == ERASED
    assert [e["fields"]["reason"] for e in after["erasure"]] == ["RGPD art. 17"]
    assert [e["actor_kind"] for e in after["erasure"]] == ["cli"]
    rebuild_every_target(source, keys)
    assert directory_names(source) == {ERASED, "Berthe Morisot"}
    assert places_holding(dump_of(source), NAME, "Ferrandou") == []

    restore = subprocess.run(
        [*RESTORE, f"--dbname={restored}", str(backup)], capture_output=True, text=True
    )
    assert restore.returncode == 0, restore.stderr
    assert osezia(restored, keys, "migrate").returncode == 0
    rebuild_every_target(restored, keys)

    assert directory_names(restored) == {ERASED, "Berthe Morisot"}
    restored_export = exported(restored, keys, ambassador)
    assert restored_export["records"][0]["events"][0]["fields"]["full_name"] == ERASED
    assert exported(restored, keys, kept)["records"][0]["events"][0]["fields"]["full_name"] == (
        "Berthe Morisot"
    )


def appoint(database_url: str, keys: str, name: str) -> str:
    """An ambassador appointed by CCI, written in this process under the given key store."""
    store = PostgresKeys(keys)
    env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
    try:
        with using_keyring(Keyring(store)):
            platform = Platform(env, networks=NETWORKS)
            try:
                return str(
                    platform.ambassadors.appoint_ambassador(
                        "cci",
                        full_name=name,
                        kind="GRAND_PUBLIC",
                        network="CCI",
                        appointed_on=date(2025, 9, 1),
                    )
                )
            finally:
                platform.close()
    finally:
        store.close()
