"""`osezia project` and `osezia worker` each serve /metrics and /healthz on a port of their own:
scraped here from the real processes, on a PostgreSQL of the test's own that is stopped to
see /healthz turn 503, then started again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import psycopg
import pytest

from osezia.domain.platform import Platform
from osezia.store.keys import Keyring, PostgresKeys, using_keyring
from osezia.store.keys_setup import derived_keys_url
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import free_port
from tests.integration.process_support import (
    Command,
    OwnPostgres,
    command_env,
    eventually,
    head,
    live_position,
    own_postgres,
    redis_database,
    write_history,
)
from tests.services import with_database

# This module's own Redis database, flushed before and after (arq's keys are not namespaced).
METRICS_REDIS_DB = 14
TOKEN = "a-scraper-secret-of-32-characters"


@dataclass
class Deployment:
    postgres: OwnPostgres
    database_url: str
    redis_url: str
    projector: Command
    worker: Command
    projector_port: int
    worker_port: int

    def outputs(self) -> str:
        return f"--- project:\n{self.projector.output()}\n--- worker:\n{self.worker.output()}"


@pytest.fixture
def metrics_redis(redis: str) -> Iterator[str]:
    with redis_database(redis, METRICS_REDIS_DB) as url:
        yield url


@pytest.fixture
def deployment(metrics_redis: str, tmp_path: Path) -> Iterator[Deployment]:
    """A migrated database on its own PostgreSQL, a projector (with a metrics token) and a
    worker, once the CCI's read models are live."""
    with own_postgres(free_port()) as postgres:
        with psycopg.connect(postgres.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE osezia")
        url = with_database(postgres.admin_url, "osezia")
        env = command_env(DATABASE_URL=url, REDIS_URL=metrics_redis)
        assert Command(["migrate"], env, tmp_path / "migrate.log").wait(120) == 0
        projector_port, worker_port = free_port(), free_port()
        worker = Command(
            ["worker"],
            {**env, "OSEZIA_METRICS_PORT": str(worker_port), "OSEZIA_LOG_FORMAT": "json"},
            tmp_path / "worker.log",
        )
        projector = Command(
            ["project"],
            {**env, "OSEZIA_METRICS_PORT": str(projector_port), "OSEZIA_METRICS_TOKEN": TOKEN},
            tmp_path / "project.log",
        )
        found = Deployment(
            postgres, url, metrics_redis, projector, worker, projector_port, worker_port
        )
        try:
            eventually(lambda: live_position(url, "cci") is not None, 90, found.outputs)
            yield found
        finally:
            projector.stop()
            worker.stop()


def get(port: int, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=5)


def healthz(port: int) -> int | None:
    try:
        return get(port, "/healthz").status_code
    except httpx.TransportError:
        return None


def sample(metrics: str, name: str, **labels: str) -> float | None:
    """The value of the sample with exactly these labels, None when there is none."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in metrics.splitlines():
        found = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if found and found[1] == name:
            given = ",".join(sorted((found[2] or "").split(","))) if found[2] else ""
            if given == wanted:
                return float(found[3])
    return None


def test_the_projector_serves_lag_and_catch_ups_to_a_holder_of_the_metrics_token(
    deployment: Deployment,
) -> None:
    url, port = deployment.database_url, deployment.projector_port
    # Written under the deployment's own key store (made by `osezia migrate` beside its
    # database), not whichever one an earlier test of this process left in place.
    keys = PostgresKeys(derived_keys_url(url))
    try:
        with using_keyring(Keyring(keys)):
            env = Database.from_url(url).eventsourcing_env(pool_size=1)
            platform = Platform(env, networks=NETWORKS)
            try:
                write_history(platform, 30, owners=("cci",))
            finally:
                platform.close()
    finally:
        keys.close()
    eventually(lambda: live_position(url, "cci") == head(url), 30, deployment.outputs)

    def current() -> str | None:
        text = get(port, "/metrics", TOKEN).text
        return text if sample(text, "osezia_projector_lag_events", target="cci") == 0 else None

    metrics = eventually(current, 30, deployment.outputs)
    assert sample(metrics, "osezia_projector_log_head") == head(url)
    assert sample(metrics, "osezia_projector_position", target="cci") == head(url)
    assert (sample(metrics, "osezia_projector_catch_ups_total", target="cci") or 0) >= 1
    assert (sample(metrics, "osezia_projector_caught_up_events_total", target="cci") or 0) >= 30
    assert sample(metrics, "osezia_projector_lag_seconds", target="platform") == 0
    assert sample(metrics, "osezia_database_failures_total") == 0
    assert sample(metrics, "process_resident_memory_bytes") is not None
    assert "python_gc_collections_total" in metrics

    refused = get(port, "/metrics")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert get(port, "/metrics", "not-the-token-of-the-scraper").status_code == 401
    health = get(port, "/healthz")  # a prober holds no token
    assert (health.status_code, health.text) == (200, "ok\n")
    assert get(port, "/nowhere").status_code == 404


def test_the_worker_serves_rebuild_progress_heartbeat_and_queue_depth(
    deployment: Deployment, tmp_path: Path
) -> None:
    env = command_env(DATABASE_URL=deployment.database_url, REDIS_URL=deployment.redis_url)
    rebuild = Command(["rebuild", "cci"], env, tmp_path / "rebuild.log")
    assert rebuild.wait(60) == 0, rebuild.output() + deployment.outputs()

    metrics = get(deployment.worker_port, "/metrics").text  # no token: open in development
    done = sample(metrics, "osezia_rebuild_events_done", target="cci")
    assert done is not None
    assert done == sample(metrics, "osezia_rebuild_events_total", target="cci")
    assert sample(metrics, "osezia_rebuild_version", target="cci") == 2
    assert (sample(metrics, "osezia_rebuild_heartbeat_timestamp_seconds", target="cci") or 0) > 0
    assert sample(metrics, "osezia_rebuild_runs_total", target="cci", status="LIVE") == 2
    # The queue is measured every WATCH_SECONDS, so the last measure may predate the jobs' end
    # (the projector queues the networks' first rebuilds: 5 jobs).
    assert sample(metrics, "osezia_worker_queue_depth") is not None

    def drained() -> bool:
        text = get(deployment.worker_port, "/metrics").text
        return sample(text, "osezia_worker_queue_depth") == 0

    eventually(drained, 30, deployment.outputs)
    assert (sample(metrics, "osezia_database_last_contact_timestamp_seconds") or 0) > 0
    assert get(deployment.worker_port, "/healthz").status_code == 200
    lines = [
        orjson.loads(line)
        for line in deployment.worker.log.read_text().splitlines()
        if line.startswith("{")
    ]
    rebuild_lines = [line for line in lines if line["logger"] == "osezia.rebuild"]
    begun = next(line for line in rebuild_lines if line["message"].startswith("rebuild of cci v2"))
    assert begun["message"] == "rebuild of cci v2 begins at event 0 of " + str(begun["total"])
    assert (begun["process"], begun["tenant"], begun["version"], begun["phase"]) == (
        "worker",
        "cci",
        2,
        "start",
    )
    ended = next(
        line for line in rebuild_lines if line.get("phase") == "end" and line["version"] == 2
    )
    assert ended["message"].startswith("rebuild of cci v2 is live: ")
    assert ended["status"] == "LIVE"
    assert ended["events"] == done
    assert ended["duration_s"] >= 0


def test_healthz_answers_503_while_the_database_is_down_and_200_once_it_is_back(
    deployment: Deployment,
) -> None:
    ports = (deployment.projector_port, deployment.worker_port)
    assert [healthz(p) for p in ports] == [200, 200]

    deployment.postgres.stop("fast")
    try:
        for port in ports:
            eventually(lambda: healthz(port) == 503, 30, deployment.outputs)  # noqa: B023
        reason = get(deployment.projector_port, "/healthz").text
    finally:
        deployment.postgres.start()
    for port in ports:
        eventually(lambda: healthz(port) == 200, 30, deployment.outputs)  # noqa: B023

    assert reason.count("\n") == 1, reason  # what failed, in one line
    assert reason != "ok\n"
    assert deployment.projector.running
    assert deployment.worker.running
    failures = sample(
        get(deployment.projector_port, "/metrics", TOKEN).text, "osezia_database_failures_total"
    )
    assert (failures or 0) >= 1
