"""docs/clients: each Python example runs, as a partner would run it, against `osezia serve`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import migrated, secret_client, serving

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "clients"
SIRENS = ("542107651", "356000000", "732829320")


@pytest.fixture(scope="module")
def partner(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """A running server and an officer client of CCI's: the environment the examples read."""
    migrated(database_url)
    with serving(database_url, tmp_path_factory.mktemp("clients") / "serve.log") as api:
        env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
        with Clients(env=env) as clients:
            client_id, secret = secret_client(clients, "cci")
        yield {"OSEZIA_API": api, "OSEZIA_CLIENT_ID": client_id, "OSEZIA_CLIENT_SECRET": secret}


def run(example: str, partner: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / example), *arguments],
        env={**os.environ, **partner},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_mutation_sent_twice_with_its_key_registers_once_and_reads_back_at_once(
    partner: dict[str, str],
) -> None:
    out = run("register_company.py", partner, SIRENS[0], "Fromagerie du Jura")

    assert f"registered {SIRENS[0]} as " in out
    assert "(sent twice, same answer: True)" in out
    assert "read back: Fromagerie du Jura" in out


def test_paging_lists_every_company_of_the_region_once(partner: dict[str, str]) -> None:
    for siren in SIRENS:
        run("register_company.py", partner, siren, f"Entreprise {siren}")

    out = run("paging.py", partner, "27", "1")  # a page per company

    listed = [line.split()[0] for line in out.splitlines()[:-1]]
    assert sorted(listed) == sorted(SIRENS)
    assert out.splitlines()[-1] == f"{len(SIRENS)} companies in region 27"


def test_the_dashboards_two_questions_are_answered(partner: dict[str, str]) -> None:
    run("register_company.py", partner, SIRENS[0], "Fromagerie du Jura")

    past = run("dashboard.py", partner, "2025-01-15")  # before anything was recorded
    today = run("dashboard.py", partner)

    assert past.startswith("Progress as of 2025-01-15")
    assert "by 2030" in past
    assert past.rstrip().endswith("(0 rows of figures):")
    stages = today.split("Companies followed, by adoption stage")[1].splitlines()[1:]
    assert stages
    assert all(re.fullmatch(r"  [A-Z_]+: [1-9][0-9]*", line) for line in stages), today
