"""Floods starve no one: a network's GraphQL latency while another source abuses the API.

Run by hand, never in the test run:

    .venv/bin/python bench/abuse.py                          # 2,000 companies, 1,000 requests
    .venv/bin/python bench/abuse.py --requests 1000 --flooders 64 --attackers 64

The script recreates the database ``osezia_bench_abuse``, writes the demo history in bulk
(``osezia.demo``, 2,000 companies by default) and builds every network's read models. It then
starts ``osezia serve`` as in production (REDIS_URL set, so no projector runs in it and the read
models stay where they are; the response cache off, so that every request reads), and measures
network A's (CCI's) latency over ``--requests`` requests of its dashboard query
(``companyFigures``), one at a time, with a valid access token:

- idle: nothing else is asked of the server;
- token flood: ``--flooders`` concurrent clients (in another process) post wrong secrets for a
  real client id of network B (Bpifrance) to /oauth/token, from one address, as fast as they
  are answered. With the default rate limits, most are refused (429, after the limiter's
  pause); a second server, started with limits no flood reaches (100,000 a minute), hashes
  every one of them, which measures how well the secret checks are kept away from the event
  loop;
- consistency-token pool attack: ``--attackers`` concurrent clients of network B post queries
  carrying the consistency token of a write of B's that the read models have not applied (the
  log's head, so it is not refused): each waits up to 5 s (NOT_YET_CONSISTENT), again and again.

Each scenario is compared with the same server's idle figures measured just before it. It
prints p50 and p99 in milliseconds, their ratios to idle, the server process's CPU (in cores)
and the abusers' answers per second meanwhile, what they were answered, and whether the target
(at most 2× idle) is met. The abusers run on the same machine as the server, and the machine's
idle CPU share is printed before: other work on a 2-core machine moves every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event as StopEvent
from pathlib import Path
from typing import Any

import httpx
import psycopg
from machine import cpu_idle, recreate_database

from osezia.demo import build_demo, write_demo
from osezia.domain.actors import Actor, acting_for_process
from osezia.domain.platform import Platform
from osezia.projections.migrations import migrate_everything
from osezia.projections.rebuild import rebuild
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.model import TenantStatus
from osezia.tenants.networks import NETWORKS
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import PLATFORM_VIEWER, Viewer

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
DBNAME = "osezia_bench_abuse"
VICTIM, ABUSER = "cci", "bpifrance"
TARGET = 2.0  # at most twice idle
DASHBOARD = "query Dashboard { companyFigures { region segment adoptionStage companies } }"
ATTACK = "{ companies(first: 1) { totalCount } }"
REGISTER = """mutation ($input: RegisterCompanyInput!) { registerCompany(input: $input)
  { __typename ... on Done { consistencyToken } ... on Problem { code message } } }"""
UNREACHABLE = "100000"  # requests a minute: limits no flood here reaches


# --- Data -------------------------------------------------------------------------------------


def load(admin_url: str, companies: int) -> str:
    """A fresh database with the demo history and every network's read models built."""
    url = recreate_database(admin_url, DBNAME)
    migrate_everything(url)
    env = Database.from_url(url).eventsourcing_env(pool_size=2)
    platform = Platform(env, networks=NETWORKS)
    try:
        tenants = Tenants(env=env, share_with=platform.companies)
        tenants.seed_defaults()
        history = build_demo(companies=companies)
        with psycopg.connect(url, autocommit=True) as conn:
            write_demo(conn, history)
        viewers = [PLATFORM_VIEWER] + [
            Viewer(t.slug, Profile.from_data(t.profile))
            for t in tenants.list_tenants()
            if t.status is not TenantStatus.OFFBOARDED
        ]
    finally:
        platform.close()
    for viewer in viewers:  # the platform's first: tenants' figures read it
        asyncio.run(rebuild(url, viewer))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


def secret_client(url: str, tenant: str) -> tuple[str, str]:
    with Clients(env=Database.from_url(url).eventsourcing_env(pool_size=1)) as clients:
        client_id, secret = clients.create_client(tenant, role="officer", name="bench abuse")
    assert secret is not None
    return client_id, secret


# --- Server -----------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(url: str, redis_url: str, logs: Path, name: str, **settings: str) -> Iterator[Server]:
    """`osezia serve` as in production, until the block ends."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,  # the projector is a process of its own: none runs here
        "OSEZIA_PORT": str(port),
        "OSEZIA_ENV": "production",
        # Production wants https; the tokens' issuer is all this address is used for here.
        "OSEZIA_PUBLIC_URL": "https://osezia.bench.invalid",
        "OSEZIA_RESPONSE_CACHE": "0",  # every request reads
        **settings,
    }
    log = logs / f"{name}.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "osezia.cli", "serve"]
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not _ready(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"osezia serve did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
            yield Server(base, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass(frozen=True)
class Server:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """The server process's CPU time so far (PostgreSQL's and Redis's not counted)."""
        return cpu_seconds(self.pid)


def _ready(base: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    return False


def access_token(base: str, client: tuple[str, str]) -> str:
    answer = httpx.post(
        f"{base}/oauth/token", data={"grant_type": "client_credentials"}, auth=client, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def a_siren(rng: random.Random) -> str:
    """A SIREN with a valid Luhn key, unlikely to be one the demo wrote."""
    digits = [rng.randrange(10) for _ in range(8)]
    for check in range(10):
        number = [*digits, check]
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d for i, d in enumerate(number)
        )
        if total % 10 == 0:
            return "".join(map(str, number))
    raise AssertionError("a Luhn key always exists")


def unapplied_write(base: str, token: str) -> str:
    """Register a company as network B; the write's consistency token, which no read model
    reaches while no projector runs."""
    company = {
        "siren": a_siren(random.Random()),
        "legalName": "Tuilerie de Bourgogne",
        "region": "27",
        "departement": "21",
        "naf": "23.32Z",
        "size": {"headcountUta": "30"},
    }
    response = httpx.post(
        f"{base}/graphql",
        json={"query": REGISTER, "variables": {"input": company}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    done = response.json()["data"]["registerCompany"]
    if done["__typename"] != "Done":
        sys.exit(f"network B's write was refused: {done}")
    return str(done["consistencyToken"])


# --- Abusers, in a process of their own -------------------------------------------------------


async def _flood(stop: StopEvent, base: str, client_id: str, clients: int) -> Counter[str]:
    answered: Counter[str] = Counter()
    form = {"grant_type": "client_credentials"}

    async def one(http: httpx.AsyncClient) -> None:
        while not stop.is_set():
            try:
                response = await http.post("/oauth/token", data=form, auth=(client_id, "wrong"))
                answered[str(response.status_code)] += 1
            except httpx.HTTPError as error:
                answered[type(error).__name__] += 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        await asyncio.gather(*(one(http) for _ in range(clients)))
    return answered


async def _attack(
    stop: StopEvent, base: str, token: str, position: str, clients: int
) -> Counter[str]:
    answered: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {token}", "X-Consistency-Token": position}

    async def one(http: httpx.AsyncClient) -> None:
        while not stop.is_set():
            try:
                response = await http.post("/graphql", json={"query": ATTACK}, headers=headers)
                errors = response.json().get("errors") or [{}]
                code = errors[0].get("extensions", {}).get("code", "answered")
                answered[f"{response.status_code} {code}"] += 1
            except (httpx.HTTPError, ValueError) as error:
                answered[type(error).__name__] += 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        await asyncio.gather(*(one(http) for _ in range(clients)))
    return answered


def _abuse(kind: str, arguments: tuple[Any, ...], stop: StopEvent, out: Any) -> None:
    if kind == "flood":
        answered = asyncio.run(_flood(stop, *arguments))
    else:
        answered = asyncio.run(_attack(stop, *arguments))
    out.put(dict(answered))


@dataclass
class Abuse:
    """What the abusers were answered, and the CPU (in cores) their process took meanwhile."""

    answered: dict[str, int] = field(default_factory=dict)
    cpu: float = 0.0


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def abused(kind: str, *arguments: Any) -> Iterator[Abuse]:
    """Abusers running in another process while the block runs (filled in when it ends)."""
    context = multiprocessing.get_context("spawn")
    stop, out = context.Event(), context.Queue()
    process = context.Process(target=_abuse, args=(kind, arguments, stop, out))
    process.start()
    assert process.pid is not None
    abuse = Abuse()
    try:
        time.sleep(2.0)  # the abusers are connected and at it
        cpu, began = cpu_seconds(process.pid), time.perf_counter()
        yield abuse
        abuse.cpu = (cpu_seconds(process.pid) - cpu) / (time.perf_counter() - began)
    finally:
        stop.set()
        abuse.answered.update(out.get(timeout=60))
        process.join(timeout=30)


# --- Measure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float
    errors: int
    seconds: float  # how long the measurement lasted
    server_cpu: float  # the server's CPU time meanwhile, in cores (1.0: one core all along)


def latency(server: Server, token: str, requests: int) -> Latency:
    """Network A's dashboard query, one request at a time."""
    seconds: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    cpu, began = server.cpu_seconds(), time.perf_counter()
    with httpx.Client(base_url=server.base, timeout=60) as http:
        for _ in range(requests):
            started = time.perf_counter()
            response = http.post("/graphql", json={"query": DASHBOARD}, headers=headers)
            seconds.append(time.perf_counter() - started)
            errors += response.status_code != 200 or "errors" in response.json()
    lasted = time.perf_counter() - began
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return Latency(
        1000 * statistics.median(seconds),
        1000 * cuts[98],
        errors,
        lasted,
        (server.cpu_seconds() - cpu) / lasted,
    )


@dataclass(frozen=True)
class Row:
    scenario: str
    measured: Latency
    idle: Latency
    abusers: Abuse

    def ratios(self) -> tuple[float, float]:
        return (
            self.measured.p50_ms / self.idle.p50_ms,
            self.measured.p99_ms / self.idle.p99_ms,
        )


def report(rows: list[Row], requests: int) -> None:
    print()
    print(
        f"network A ({VICTIM}): {requests} dashboard queries, one at a time, per measurement; "
        "each scenario against the idle figures measured just before it"
    )
    head = (
        f"{'scenario':<42} {'idle p50/p99 ms':>15} {'p50/p99 ms':>12} {'p50 ×':>6} {'p99 ×':>6} "
        f"{'server CPU':>10} {'abuse/s':>8}  target ≤ 2×"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        p50, p99 = row.ratios()
        met = "met" if max(p50, p99) <= TARGET else "NOT met"
        errors = f" ({row.measured.errors} errors)" if row.measured.errors else ""
        rate = sum(row.abusers.answered.values()) / row.measured.seconds
        idle = f"{row.idle.p50_ms:.1f}/{row.idle.p99_ms:.1f}"
        measured = f"{row.measured.p50_ms:.1f}/{row.measured.p99_ms:.1f}"
        print(
            f"{row.scenario:<42} {idle:>15} {measured:>12} {p50:>6.2f} {p99:>6.2f} "
            f"{row.measured.server_cpu:>10.2f} {rate:>8.0f}  {met}{errors}"
        )
    print()
    for row in rows:
        answered = ", ".join(f"{k}: {v}" for k, v in sorted(row.abusers.answered.items()))
        print(
            f"{row.scenario}: the abusers were answered {answered}; their process took "
            f"{row.abusers.cpu:.2f} cores"
        )


def compared(name: str, server: Server, token: str, requests: int, kind: str, *abuse: Any) -> Row:
    """The scenario's figures, and those of the idle server just before it: on a shared
    machine, the load of other work moves between minutes, not within one."""
    idle = latency(server, token, requests)
    with abused(kind, *abuse) as answered:
        measured = latency(server, token, requests)
    return Row(name, measured, idle, answered)


def scenarios(url: str, redis_url: str, logs: Path, arguments: argparse.Namespace) -> list[Row]:
    requests, flooders, attackers = arguments.requests, arguments.flooders, arguments.attackers
    victim, abuser = secret_client(url, VICTIM), secret_client(url, ABUSER)
    rows: list[Row] = []
    with serving(url, redis_url, logs, "limited") as server:
        base = server.base
        token, abuser_token = access_token(base, victim), access_token(base, abuser)
        position = unapplied_write(base, abuser_token)
        latency(server, token, 20)  # warm-up
        flood = ("flood", base, abuser[0], flooders)
        rows.append(compared("token flood, default rate limits", server, token, requests, *flood))
        attack = ("attack", base, abuser_token, position, attackers)
        rows.append(compared("consistency-token pool attack", server, token, requests, *attack))
    unreachable = {
        "OSEZIA_TOKEN_RATE_PER_ADDRESS": UNREACHABLE,
        "OSEZIA_TOKEN_RATE_PER_CLIENT": UNREACHABLE,
    }
    with serving(url, redis_url, logs, "unlimited", **unreachable) as server:
        base = server.base
        token = access_token(base, victim)
        latency(server, token, 20)
        flood = ("flood", base, abuser[0], flooders)
        rows.append(
            compared("token flood, limits raised (all hashed)", server, token, requests, *flood)
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=1000, help="network A's, per measurement")
    parser.add_argument("--flooders", type=int, default=32, help="concurrent token requests")
    parser.add_argument("--attackers", type=int, default=32, help="concurrent waiting queries")
    parser.add_argument("--admin-url", default=os.environ.get("DATABASE_URL", DEFAULT_ADMIN_URL))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    arguments = parser.parse_args()
    started = time.monotonic()
    url = load(arguments.admin_url, arguments.companies)
    print(f"{arguments.companies} companies loaded in {time.monotonic() - started:.0f} s")
    idle_cpu = cpu_idle()
    if idle_cpu is not None:
        print(f"CPU idle before: {idle_cpu:.0%} of {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="osezia-abuse-") as logs:
        rows = scenarios(url, arguments.redis_url, Path(logs), arguments)
    report(rows, arguments.requests)
    print(f"\nrun in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    with acting_for_process(Actor("bench", "operator", "system")):
        main()
