"""`osezia rebuild TENANT` on a database where nothing was built yet: the platform's own model,
which the network's figure views read, goes live first, then the network's."""

from __future__ import annotations

import subprocess

import psycopg

from tests.e2e.conftest import OSEZIA, command_env
from tests.services import fresh_database


def osezia(url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OSEZIA, *arguments],
        env=command_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_rebuilding_a_network_first_builds_the_platform_it_reads(postgres_admin: str) -> None:
    with fresh_database(postgres_admin) as url:
        for command in (["migrate"], ["demo", "--companies", "50"]):
            done = osezia(url, *command)
            assert done.returncode == 0, done.stderr

        run = osezia(url, "rebuild", "cci")

        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        with psycopg.connect(url) as conn:
            live = conn.execute(
                "SELECT target FROM read_model_versions WHERE status = 'LIVE' ORDER BY target"
            ).fetchall()
        assert [target for (target,) in live] == ["cci", "platform"]
