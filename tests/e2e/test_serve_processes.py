"""`osezia serve --workers N`: several API processes on one port, counting metrics together,
with one projector among them (no Redis) that another process replaces when it dies."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from osezia.workers.leader import PROJECTOR_LOCK
from tests.e2e.conftest import OSEZIA, command_env, free_port, migrated
from tests.integration.process_support import eventually

PROCESSES = 2
LEADER = re.compile(r"process (\d+) runs the projections")


def _log(path: Path) -> str:
    return path.read_text(errors="replace")


def _lock_holders(database_url: str) -> int:
    """Sessions holding the projector's advisory lock (a bigint key: its low 32 bits in objid)."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = 0 AND objid = %s AND objsubid = 1 AND database ="
            " (SELECT oid FROM pg_database WHERE datname = current_database())",
            (PROJECTOR_LOCK,),
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def served(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    migrated(database_url)
    port = free_port()
    log_path = tmp_path_factory.mktemp("processes") / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*OSEZIA, "serve", "--workers", str(PROCESSES)],
            env=command_env(DATABASE_URL=database_url, OSEZIA_PORT=str(port)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            eventually(
                lambda: f"with {PROCESSES} processes" in _log(log_path) or process.poll(),
                60,
                "the address announced",
            )
            assert process.poll() is None, _log(log_path)
            yield f"http://127.0.0.1:{port}", log_path
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


def test_the_processes_serve_one_port_and_are_ready(served: tuple[str, Path]) -> None:
    base_url, log_path = served
    started = set(re.findall(r"Started server process \[(\d+)\]", _log(log_path)))
    assert len(started) == PROCESSES, _log(log_path)
    ready = httpx.get(f"{base_url}/readyz", timeout=5).json()
    assert ready["status"] == "ready"
    assert ready["building"] == []


def test_metrics_count_the_requests_of_every_process(served: tuple[str, Path]) -> None:
    base_url, _ = served
    pattern = re.compile(
        r'^osezia_http_requests_total\{route="/healthz",status="200"\} (\S+)$', re.M
    )

    def healthz_count() -> float:
        found = pattern.search(httpx.get(f"{base_url}/metrics", timeout=5).text)
        return float(found.group(1)) if found else 0.0

    before = healthz_count()
    sent = 40
    with httpx.Client() as client:  # connections reused and opened anew land on both processes
        for n in range(sent):
            client.get(f"{base_url}/healthz", headers={"Connection": "close"} if n % 2 else {})
    # Whichever process answers the scrape, it reports what all of them counted.
    for _ in range(6):
        assert healthz_count() == before + sent


def test_one_process_projects_and_another_takes_over_when_it_dies(
    served: tuple[str, Path], database_url: str
) -> None:
    _, log_path = served
    eventually(lambda: LEADER.search(_log(log_path)), 20, "a process elected to project")
    assert _lock_holders(database_url) == 1
    leaders = LEADER.findall(_log(log_path))
    assert len(set(leaders)) == 1, leaders  # the others stand by
    os.kill(int(leaders[-1]), signal.SIGKILL)
    eventually(
        lambda: len(set(LEADER.findall(_log(log_path)))) == 2, 30, "another process projecting"
    )
    eventually(lambda: _lock_holders(database_url) == 1, 10, "one holder of the lock")
    assert LEADER.findall(_log(log_path))[-1] != leaders[-1]


def test_production_refuses_several_processes_without_redis(database_url: str) -> None:
    """Rate limits counted per process would be N times as loose: refused before any start."""
    env = command_env(
        DATABASE_URL=database_url,
        OSEZIA_ENV="production",
        OSEZIA_PUBLIC_URL="https://osezia.example.fr",
        OSEZIA_PORT=str(free_port()),
    )
    done = subprocess.run(
        [*OSEZIA, "serve", "--workers", "2"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "serve --workers needs REDIS_URL in production" in done.stderr
    assert "Traceback" not in done.stderr
