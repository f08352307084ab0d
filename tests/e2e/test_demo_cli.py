"""`osezia demo` writes only into a new log: never over a history already there."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import psycopg

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS
from tests.conftest import truncate_history
from tests.e2e.conftest import OSEZIA, command_env


def test_the_demo_refuses_a_log_that_already_holds_a_history(database_url: str) -> None:
    truncate_history(database_url)
    platform = Platform(
        Database.from_url(database_url).eventsourcing_env(pool_size=1), networks=NETWORKS
    )
    platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Vraie entreprise",
        region="11",
        departement="92",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(12)),
    )
    head = platform.companies.recorder.max_notification_id()
    env = command_env(DATABASE_URL=database_url)

    refused = subprocess.run(
        [*OSEZIA, "demo", "--companies", "50"], env=env, capture_output=True, text=True
    )
    quiet = subprocess.run(
        [*OSEZIA, "demo", "--if-empty", "--companies", "50"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert refused.returncode == 2
    assert "already holds a history" in refused.stderr
    assert quiet.returncode == 0
    assert "nothing written" in quiet.stdout
    assert platform.companies.recorder.max_notification_id() == head
    platform.close()


def test_the_demo_is_never_written_in_production(database_url: str) -> None:
    truncate_history(database_url)
    env = command_env(
        DATABASE_URL=database_url,
        OSEZIA_ENV="production",
        OSEZIA_PUBLIC_URL="https://osezia.example.fr",
    )

    run = subprocess.run(
        [*OSEZIA, "demo", "--companies", "50"], env=env, capture_output=True, text=True
    )

    assert run.returncode == 2
    assert "never written in production" in run.stderr
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM osezia_events").fetchone()
    assert row == (0,)


def test_a_number_of_companies_below_one_is_a_usage_error() -> None:
    run = subprocess.run(
        [*OSEZIA, "demo", "--companies", "-3"], env=command_env(), capture_output=True, text=True
    )

    assert run.returncode == 2
    assert "-3 must be at least 1" in run.stderr
    assert "Traceback" not in run.stderr
