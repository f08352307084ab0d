"""A sole trader's rights through the `osezia` command: the operator exports and erases the
entrepreneur individuel of a company by its id, a personne morale is refused, and after a
rebuild the company's name reads « effacé » while its SIREN stays."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest

from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.keys import Keyring, PostgresKeys, using_keyring
from osezia.store.keys_setup import create_database, derived_keys_url
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS
from tests.e2e.test_privacy_cli import exported, osezia, rebuild_every_target
from tests.integration.privacy_support import dump_of, head, places_holding
from tests.services import fresh_database

NAME = "Philomène Castagnac"


@pytest.fixture
def database(postgres_admin: str) -> Iterator[str]:
    with fresh_database(postgres_admin, "osezia_sole_trader") as url:
        yield url


def register(database_url: str, keys: str, siren: str, name: str, category: str) -> str:
    """A company registered by CCI, written in this process under the given key store."""
    store = PostgresKeys(keys)
    env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
    try:
        with using_keyring(Keyring(store)):
            platform = Platform(env, networks=NETWORKS)
            try:
                return str(
                    platform.companies.register_company(
                        "cci",
                        siren=siren,
                        legal_name=name,
                        region="53",
                        departement="35",
                        naf="16.23Z",
                        size=SizeFacts(headcount_uta=Decimal(3)),
                        legal_category=category,
                    )
                )
            finally:
                platform.close()
    finally:
        store.close()


def names(database_url: str) -> dict[str, str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT siren, legal_name FROM platform.companies").fetchall()
    return dict(rows)


def test_the_operator_erases_a_sole_trader_and_not_a_personne_morale(database: str) -> None:
    keys = derived_keys_url(database)
    create_database(keys)
    assert osezia(database, keys, "migrate").returncode == 0
    sole = register(database, keys, "552100554", NAME, "1000")
    morale = register(database, keys, "632012100", "Scierie Bretonne SAS", "5710")
    rebuild_every_target(database, keys)
    assert exported(database, keys, sole)["subject"] == "SOLE_TRADER"
    position = head(database)

    refused = osezia(database, keys, "privacy", "erase", morale, "--reason", "RGPD art. 17")
    assert refused.returncode == 2
    assert refused.stderr.startswith("osezia: NOT_A_PERSON: company 632012100 is a personne")
    assert head(database) == position

    erased = osezia(database, keys, "privacy", "erase", sole, "--reason", "RGPD art. 17")
    assert erased.returncode == 0, erased.stderr
    rebuild_every_target(database, keys)

    assert names(database) == {"552100554": ERASED, "632012100": "Scierie Bretonne SAS"}
    after = exported(database, keys, sole)
    assert after["erased"] is True
    assert after["records"][0]["events"][0]["fields"]["legal_name"] == ERASED
    assert after["records"][0]["events"][0]["fields"]["siren"] == "552100554"
    assert places_holding(dump_of(database), "Castagnac", "Philomène") == []
