"""A PostgreSQL restart under write load: nothing acknowledged is lost, and the API, the
projector and the worker recover by themselves.

The test starts a PostgreSQL cluster of its own on another port (the shared one is never
touched), runs the real `osezia serve`, `osezia project` and `osezia worker` against it,
registers companies through the API while it restarts that PostgreSQL, then checks the log,
the read models, a rebuild queued afterwards and each process's /healthz. How long the API took
to answer again is printed (`-s`), not asserted.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from arq import create_pool
from arq.connections import RedisSettings

from osezia.domain.platform import Platform
from osezia.store.migrations import downgrade
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from osezia.workers.jobs import rebuild_job_id
from tests.e2e.conftest import free_port, request_token, secret_client
from tests.integration.process_support import (
    Command,
    command_env,
    eventually,
    head,
    live_position,
    own_postgres,
    query,
    redis_database,
    siren_of,
    versions,
    write_history,
)
from tests.integration.projection_support import snapshot
from tests.services import fresh_database, with_database

# This module's own Redis database, flushed before and after: arq's job keys are not
# namespaced by queue (tests/integration/test_workers.py uses 12).
RESTART_REDIS_DB = 13
REGISTER = """mutation ($input: RegisterCompanyInput!, $key: String) {
  registerCompany(input: $input, idempotencyKey: $key)
  { __typename ... on Done { id } ... on Problem { code message } } }"""
COUNT = "{ companies(first: 1) { totalCount } }"
DOWN_SECONDS = 5.0  # how long PostgreSQL stays stopped: longer than the write side's own retries


@pytest.fixture
def restart_redis(redis: str) -> Iterator[str]:
    with redis_database(redis, RESTART_REDIS_DB) as url:
        yield url


@dataclass
class Writer:
    """Registers companies through the API one after the other, each with its idempotency key,
    trying each again until it is acknowledged (a Done with the company's id)."""

    api: str
    token: str
    stop: threading.Event = field(default_factory=threading.Event)
    acknowledged: dict[str, str] = field(default_factory=dict)  # siren -> company id
    failed_attempts: int = 0
    errors: list[str] = field(default_factory=list)

    def run(self) -> None:
        serial = 0
        with httpx.Client(timeout=10) as http:
            while not self.stop.is_set():
                siren = siren_of(500_000 + serial)
                while siren not in self.acknowledged and not self.stop.is_set():
                    company_id = self._register(http, siren, f"restart-{serial}")
                    if company_id is None:
                        self.failed_attempts += 1
                        time.sleep(0.05)
                    else:
                        self.acknowledged[siren] = company_id
                serial += 1

    def _register(self, http: httpx.Client, siren: str, key: str) -> str | None:
        company = {
            "siren": siren,
            "legalName": f"Atelier {siren}",
            "region": "53",
            "departement": "35",
            "naf": "62.01Z",
            "size": {"headcountUta": "12"},
        }
        try:
            response = http.post(
                f"{self.api}/graphql",
                json={"query": REGISTER, "variables": {"input": company, "key": key}},
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except httpx.TransportError:
            return None
        if response.status_code != 200:
            return None
        answer = response.json().get("data") or {}
        done = answer.get("registerCompany") or {}
        if done.get("__typename") == "Done":
            return str(done["id"])
        self.errors.append(str(done or response.json()))  # an answer, but not an acknowledgement
        return None


def answers(api: str, token: str) -> bool:
    try:
        response = httpx.post(
            f"{api}/graphql",
            json={"query": COUNT},
            headers={"Authorization": f"Bearer {token}"},
            timeout=2,
        )
    except httpx.TransportError:
        return False
    return response.status_code == 200 and "errors" not in response.json()


def healthz(port: int) -> int | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
    except httpx.TransportError:
        return None


def scrape(port: int) -> str:
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text


def value_of(metrics: str, name: str) -> float:
    """The value of a sample with no labels (0 when absent)."""
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def test_after_a_postgresql_restart_under_write_load_nothing_acknowledged_is_lost_and_every_process_recovers(  # noqa: E501
    restart_redis: str, tmp_path: Path
) -> None:
    with own_postgres(free_port()) as postgres:
        with psycopg.connect(postgres.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE osezia")
        url = with_database(postgres.admin_url, "osezia")
        env = command_env(DATABASE_URL=url, REDIS_URL=restart_redis)
        assert Command(["migrate"], env, tmp_path / "migrate.log").wait(120) == 0
        platform = Platform(
            Database.from_url(url).eventsourcing_env(pool_size=1), networks=NETWORKS
        )
        try:
            write_history(platform, 600)  # about 3,000 events, for a rebuild to be under way
        finally:
            platform.close()
        api_port, projector_port, worker_port = free_port(), free_port(), free_port()
        worker = Command(
            ["worker"], {**env, "OSEZIA_METRICS_PORT": str(worker_port)}, tmp_path / "worker.log"
        )
        projector = Command(
            ["project"],
            {**env, "OSEZIA_METRICS_PORT": str(projector_port)},
            tmp_path / "project.log",
        )
        serve = Command(["serve"], {**env, "OSEZIA_PORT": str(api_port)}, tmp_path / "serve.log")
        processes = {"serve": serve, "project": projector, "worker": worker}

        def outputs() -> str:
            return "\n".join(f"--- {n}:\n{p.output()}" for n, p in processes.items())

        try:
            api = f"http://127.0.0.1:{api_port}"
            eventually(lambda: live_position(url, "cci") is not None, 90, outputs)
            with Clients(env=Database.from_url(url).eventsourcing_env(pool_size=1)) as clients:
                client = secret_client(clients, "cci")
            eventually(lambda: answers_token(api, client), 30, outputs)
            token = request_token(api, *client).json()["access_token"]

            writer = Writer(api, token)
            thread = threading.Thread(target=writer.run, name="writer", daemon=True)
            thread.start()
            eventually(lambda: len(writer.acknowledged) >= 20, 30, outputs)
            # A rebuild on the worker, one event per transaction: under way at the restart.
            asyncio.run(enqueue_rebuild(restart_redis, "bpifrance", batch_size=1))
            eventually(lambda: building(url, "bpifrance"), 30, outputs)

            stopped_at = time.monotonic()
            postgres.stop("fast")
            time.sleep(DOWN_SECONDS)
            postgres.start()
            back_at = time.monotonic()
            recovered = first_true(
                {
                    "API": lambda: answers(api, token),
                    "projector": lambda: healthz(projector_port) == 200,
                    "worker": lambda: healthz(worker_port) == 200,
                },
                seconds=60,
            )
            before = len(writer.acknowledged)
            eventually(lambda: len(writer.acknowledged) >= before + 20, 60, outputs)
            writer.stop.set()
            thread.join(timeout=30)
            print(
                f"\nPostgreSQL stopped for {back_at - stopped_at:.1f} s; once it was back, "
                + ", ".join(f"{n} healthy in {t - back_at:.2f} s" for n, t in recovered.items())
                + f" (the API {recovered['API'] - stopped_at:.2f} s after the stop); "
                f"{len(writer.acknowledged)} commands acknowledged, "
                f"{writer.failed_attempts} attempts answered with an error and tried again"
            )
            assert set(recovered) == {"API", "projector", "worker"}, outputs()

            # Every acknowledged command is in the log, once.
            ids = list(writer.acknowledged.values())
            logged = query(
                url,
                "SELECT originator_id::text AS id, count(*) AS n FROM osezia_events "
                "WHERE originator_id::text = ANY(%s) AND originator_version = 1 "
                "GROUP BY originator_id",
                ids,
            )
            assert {r["id"] for r in logged} == set(ids)
            assert all(r["n"] == 1 for r in logged)

            # The projector catches up by itself: every one is in the read models.
            eventually(lambda: live_position(url, "cci") == head(url), 60, outputs)
            eventually(lambda: live_position(url, "platform") == head(url), 60, outputs)
            cci = asyncio.run(snapshot(url, "cci"))["companies"]
            assert set(writer.acknowledged) <= {c["siren"] for c in cci}
            national = asyncio.run(snapshot(url, "platform"))["companies"]
            assert set(writer.acknowledged) <= {c["siren"] for c in national}

            # The rebuild under way at the restart was tried again by itself and went live.
            eventually(lambda: statuses(url, "bpifrance")[-1] == (2, "LIVE"), 90, outputs)
            assert live_position(url, "bpifrance") == head(url)

            # A rebuild queued after the restart completes, through the worker.
            rebuild = Command(["rebuild", "cci"], env, tmp_path / "rebuild.log")
            assert rebuild.wait(90) == 0, outputs() + rebuild.output()
            assert "cci: version 2 is LIVE" in rebuild.output()

            # Each process is still the one started, healthy again, and said why it waited.
            assert eventually(lambda: healthz(projector_port) == 200, 30, outputs)
            assert eventually(lambda: healthz(worker_port) == 200, 30, outputs)
            assert all(p.running for p in processes.values()), outputs()
            assert value_of(scrape(projector_port), "osezia_database_failures_total") >= 1
            said = {name: p.log.read_text(errors="replace") for name, p in processes.items()}
            assert "projecting failed (" in said["project"]
            assert "rebuild of bpifrance failed (" in said["worker"]
            assert "Traceback" not in said["project"], said["project"]
            assert "Traceback" not in said["worker"], said["worker"]
        finally:
            for process in processes.values():
                process.stop()


def first_true(checks: dict[str, Callable[[], bool]], seconds: float) -> dict[str, float]:
    """When (time.monotonic()) each check first held, polling them all together; those that
    never did within `seconds` are left out."""
    found: dict[str, float] = {}
    deadline = time.monotonic() + seconds
    while len(found) < len(checks) and time.monotonic() < deadline:
        for name, check in checks.items():
            if name not in found and check():
                found[name] = time.monotonic()
        time.sleep(0.02)
    return found


def building(database_url: str, target: str) -> bool:
    """A new version of the target is being built and has applied some events already."""
    return any(
        v["status"] == "BUILDING" and v["events_done"] > 0 for v in versions(database_url, target)
    )


def statuses(database_url: str, target: str) -> list[tuple[int, str]]:
    return [(v["version"], v["status"]) for v in versions(database_url, target)]


async def enqueue_rebuild(redis_url: str, target: str, **arguments: Any) -> None:
    redis = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        job = await redis.enqueue_job(
            "rebuild", target, _job_id=rebuild_job_id(target), **arguments
        )
        assert job is not None
    finally:
        await redis.aclose()


def answers_token(api: str, client: tuple[str, str]) -> bool:
    try:
        return request_token(api, *client).status_code == 200
    except httpx.TransportError:
        return False


def test_the_projector_outlives_a_downgrade_under_it_and_goes_on_after_the_upgrade(
    postgres_admin: str, tmp_path: Path
) -> None:
    with fresh_database(postgres_admin) as url:
        env = command_env(DATABASE_URL=url)
        assert Command(["migrate"], env, tmp_path / "migrate.log").wait(120) == 0
        port = free_port()
        projector = Command(
            ["project"], {**env, "OSEZIA_METRICS_PORT": str(port)}, tmp_path / "project.log"
        )
        try:
            eventually(lambda: live_position(url, "cci") is not None, 90, projector.output)

            # The version table loses the column the projector reads (`profile`, 0004).
            downgrade(url, "0003")
            eventually(lambda: "UndefinedColumnError" in projector.output(), 30, projector.output)
            eventually(lambda: healthz(port) == 503, 30, projector.output)
            assert projector.running, projector.output()

            upgrade = Command(["migrate"], env, tmp_path / "upgrade.log")
            assert upgrade.wait(120) == 0, upgrade.output()
            platform = Platform(
                Database.from_url(url).eventsourcing_env(pool_size=1), networks=NETWORKS
            )
            try:
                write_history(platform, 20, owners=("cci",))
            finally:
                platform.close()
            eventually(lambda: live_position(url, "cci") == head(url), 60, projector.output)
            eventually(lambda: healthz(port) == 200, 30, projector.output)
            said = projector.log.read_text(errors="replace")
            assert "projecting works again" in said
            assert "Traceback" not in said, said
        finally:
            projector.stop()
