"""With no DATABASE_URL, osezia starts an embedded PostgreSQL and serves a complete platform:
what `make run` does on a fresh machine."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from osezia.store.embedded import stop_embedded_postgres
from tests.e2e.conftest import OSEZIA, command_env, free_port, wait_until_ready


@pytest.fixture
def data_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    # The embedded server outlives the commands on purpose (the next command joins it): stop
    # it as the README says, and leave none running behind the tests.
    directory = tmp_path / "osezia" / "postgresql"
    stop_embedded_postgres(directory)
    assert not _running(directory)


def _running(directory: Path) -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(directory) if directory.is_dir() else None
    return info is not None and info.is_running()


def test_migrate_demo_and_serve_work_on_the_embedded_postgresql(data_home: Path) -> None:
    # `make run` on a developer's machine: the tenant header stands in for a token there.
    env = command_env(
        XDG_DATA_HOME=str(data_home), OSEZIA_PORT=str(free_port()), OSEZIA_DEV_TENANT_HEADER="1"
    )

    migrated = subprocess.run([*OSEZIA, "migrate"], env=env, capture_output=True, text=True)
    load = [*OSEZIA, "demo", "--if-empty", "--companies", "500"]  # `make run` loads 5,000
    demo = subprocess.run(load, env=env, capture_output=True, text=True)
    again = subprocess.run(load, env=env, capture_output=True, text=True)

    assert migrated.returncode == 0, migrated.stderr
    assert "embedded PostgreSQL" in migrated.stderr
    assert demo.returncode == 0, demo.stderr
    assert "500 Company" in demo.stdout
    assert "0 already there" in demo.stdout
    assert "nothing written" in again.stdout
    server = subprocess.Popen([*OSEZIA, "serve"], env=env, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{env['OSEZIA_PORT']}"
    try:
        wait_until_ready(base_url, server, seconds=60)
        response = httpx.post(
            f"{base_url}/graphql",
            json={"query": "{ companies(first: 100) { totalCount edges { node { owner } } } }"},
            headers={"X-Osezia-Tenant": "cci"},
        )
        found = response.json()["data"]["companies"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert found["totalCount"] > 0
    assert {edge["node"]["owner"] for edge in found["edges"]} == {"cci"}


def test_the_embedded_postgresql_stops_as_the_readme_says(data_home: Path) -> None:
    env = command_env(XDG_DATA_HOME=str(data_home))
    directory = data_home / "osezia" / "postgresql"
    subprocess.run([*OSEZIA, "migrate"], env=env, check=True, capture_output=True)
    assert _running(directory)  # it outlives `osezia migrate`, as it outlives `make run`

    stop = [sys.executable, "-m", "osezia.store.embedded", "stop"]
    stopped = subprocess.run(stop, env=env, capture_output=True, text=True)
    again = subprocess.run(stop, env=env, capture_output=True, text=True)

    assert stopped.returncode == 0, stopped.stderr
    assert "is stopped" in stopped.stdout
    assert not _running(directory)
    assert "was not running" in again.stdout
    assert "Warning" not in stopped.stderr
