"""Freshness: the time from a command's commit to its row in the tenant's read model.

Run by hand, never in the test run:  .venv/bin/python bench/freshness.py [--rate 200] [--seconds 30]

The script recreates the database ``osezia_bench_freshness``, migrates it, seeds the tenants,
registers some companies, and starts the live projection as it runs in production
(``python -m osezia.cli project``, a process of its own, woken by LISTEN/NOTIFY). It then issues
real commands at a steady rate (``Companies.register_company`` and ``advance_adoption``, for
CCI, Bpifrance, La French Tech and INRIA; open loop: each command starts at its scheduled time
whatever the previous ones are doing) and measures, for each, the time from its commit (when
the command returns) to the commit of the projection's transaction that holds its row.

How a row's arrival is seen: a trigger installed for the benchmark on each tenant's tracking
table sends NOTIFY with the new position, and a read model holds an event's row exactly when
its tracking position has reached that event's notification id (both are written in one
transaction). The physical floor printed beside the figures is a bare NOTIFY from one
connection to a LISTEN on another, timed the same way, idle and under the load.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO
from uuid import UUID

import asyncpg
import psycopg
from machine import recreate_database

from osezia.domain.actors import Actor, acting_for_process
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.log import LOG_TABLE
from osezia.projections.migrations import migrate_everything
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS as REGISTERED_NETWORKS
from osezia.tenants.profiles import DEFAULT_TENANTS
from osezia.tenants.visibility import PLATFORM

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DBNAME = "osezia_bench_freshness"
TARGET_P99_MS = 50.0  # the issue's target
NETWORKS = ("cci", "bpifrance", "french-tech", "inria")
PLACES = (("11", "75"), ("53", "35"), ("84", "69"), ("76", "31"))
STAGES = tuple(stage for stage in AdoptionStage if stage is not AdoptionStage.NONE)
ROWS_CHANNEL = "bench_read_models"
PING_CHANNEL = "bench_ping"

# --- Databases ---------------------------------------------------------------------------------


def server_description(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('server_version', 'synchronous_commit')"
        ).fetchall()
    settings: dict[str, str] = dict(rows)
    return (
        f"PostgreSQL {settings['server_version']} "
        f"(synchronous_commit={settings['synchronous_commit']})"
    )


# --- The commands ------------------------------------------------------------------------------


@dataclass
class Tracked:
    """A company the workload registered, and where its history stands."""

    id: UUID
    tenant: str
    version: int  # of its last event: Registered and SizeAssessed make 2
    stage: int = 0  # index of its adoption stage in AdoptionStage


@dataclass
class Command:
    kind: str
    tenant: str
    company: UUID
    version: int  # the version of the command's last event: its row carries that event
    scheduled: float
    committed: float = 0.0
    error: str | None = None


class Workload:
    """Chooses each command; a company is never in two commands at once."""

    def __init__(self, seed: int = 11) -> None:
        self._random = random.Random(seed)
        self._serial = itertools.count(1)
        self.idle: deque[Tracked] = deque()

    def register(self, app: Platform) -> tuple[Command, Callable[[], None], Tracked]:
        serial = next(self._serial)
        tenant = self._random.choice(NETWORKS)
        region, departement = self._random.choice(PLACES)
        siren = complete_siren(f"{20_000_000 + serial:08d}")
        headcount = Decimal(self._random.choice((3, 42, 180)))
        company = Tracked(app.companies.company_id_for(siren), tenant, 2)

        def run() -> None:
            app.companies.register_company(
                tenant,
                siren=siren,
                legal_name=f"Entreprise {serial}",
                region=region,
                departement=departement,
                naf="62.01Z",
                size=SizeFacts(headcount_uta=headcount),
            )

        return Command("register_company", tenant, company.id, 2, 0.0), run, company

    def next(self, app: Platform) -> tuple[Command, Callable[[], None], Tracked]:
        if not self.idle or self._random.random() < 0.5:
            return self.register(app)
        company = self.idle.popleft()
        stage = STAGES[company.stage]
        company.stage += 1
        company.version += 1

        def run() -> None:
            app.companies.advance_adoption(
                company.tenant, company.id, stage=stage.value, on=date.today()
            )

        command = Command("advance_adoption", company.tenant, company.id, company.version, 0.0)
        return command, run, company

    def release(self, company: Tracked, command: Command) -> None:
        # After a failure the company's version is unknown: it takes no further command.
        if command.error is None and company.stage < len(STAGES):
            self.idle.append(company)


# --- Listening ---------------------------------------------------------------------------------


@dataclass
class Observer:
    """Receives the tracking notifications and the pings, stamped on arrival."""

    arrivals: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    pongs: dict[str, float] = field(default_factory=dict)

    def on_rows(self, _c: object, _pid: int, _channel: str, payload: object) -> None:
        now = time.perf_counter()
        schema, _, position = str(payload).partition(":")
        self.arrivals.setdefault(schema, []).append((int(position), now))

    def on_ping(self, _c: object, _pid: int, _channel: str, payload: object) -> None:
        self.pongs[str(payload)] = time.perf_counter()


async def ping_round_trips(
    sender: asyncpg.Connection, observer: Observer, count: int, every: float, prefix: str
) -> list[float]:
    """Bare NOTIFY round trips, in ms: from sending NOTIFY to the LISTEN callback."""
    sent: dict[str, float] = {}
    for n in range(count):
        key = f"{prefix}{n}"
        sent[key] = time.perf_counter()
        await sender.execute("SELECT pg_notify($1, $2)", PING_CHANNEL, key)
        await asyncio.sleep(every)
    await asyncio.sleep(0.2)
    return [(observer.pongs[k] - t) * 1000 for k, t in sent.items() if k in observer.pongs]


TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION bench_tracking_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{ROWS_CHANNEL}', TG_TABLE_SCHEMA || ':' || NEW.position);
    RETURN NEW;
END $$
"""


async def live_schemas(conn: asyncpg.Connection) -> dict[str, str]:
    records = await conn.fetch(
        "SELECT target, data_schema FROM read_model_versions WHERE status = 'LIVE'"
    )
    return {r["target"]: r["data_schema"] for r in records}


async def wait_until_projected(
    conn: asyncpg.Connection, targets: int, projector: subprocess.Popen[bytes], log: Path
) -> dict[str, str]:
    """Every target built by the projector and caught up with the head."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if projector.poll() is not None:
            sys.exit(f"the projector stopped:\n{log.read_text()}")
        schemas = await live_schemas(conn)
        if len(schemas) >= targets:
            head = await conn.fetchval(f"SELECT max(notification_id) FROM {LOG_TABLE}")
            positions = [
                await conn.fetchval(f'SELECT position FROM "{schema}".tracking')
                for schema in schemas.values()
            ]
            if all(p == head for p in positions):
                return schemas
        await asyncio.sleep(0.2)
    sys.exit(f"the projector did not build every read model in time:\n{log.read_text()}")


# --- The run -----------------------------------------------------------------------------------


@dataclass
class Plan:
    rate: float
    seconds: float
    companies: int
    writers: int


@dataclass
class Outcome:
    commands: list[Command]
    latencies: dict[str, list[float]]  # by tenant, ms
    missing: int
    lateness_ms: list[float]
    idle_pings: list[float]
    loaded_pings: list[float]
    elapsed: float


def register_first_companies(platform: Platform, workload: Workload, count: int) -> None:
    pending = [workload.register(platform) for _ in range(count)]
    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(run) for _, run, _ in pending]:
            future.result()
    workload.idle.extend(company for _, _, company in pending)


async def run_load(
    url: str, platform: Platform, workload: Workload, plan: Plan, schemas: dict[str, str]
) -> Outcome:
    dsn = Database.from_url(url).asyncpg_dsn()
    observer = Observer()
    listener = await asyncpg.connect(dsn)
    sender = await asyncpg.connect(dsn)
    await listener.add_listener(ROWS_CHANNEL, observer.on_rows)
    await listener.add_listener(PING_CHANNEL, observer.on_ping)
    idle_pings = await ping_round_trips(sender, observer, 200, 0.005, "idle-")

    loop = asyncio.get_running_loop()
    commands: list[Command] = []
    lateness: list[float] = []
    pool = ThreadPoolExecutor(plan.writers)

    def execute(command: Command, run: Callable[[], None]) -> None:
        try:
            run()
        except Exception as error:  # reported, and left out of the figures
            command.error = f"{type(error).__name__}: {error}"
        command.committed = time.perf_counter()

    async def issue(command: Command, run: Callable[[], None], company: Tracked) -> None:
        await loop.run_in_executor(pool, execute, command, run)
        workload.release(company, command)

    total = int(plan.rate * plan.seconds)
    pinging = asyncio.ensure_future(
        ping_round_trips(sender, observer, int(plan.seconds * 20), 0.05, "load-")
    )
    tasks = []
    began = time.perf_counter()
    for n in range(total):
        scheduled = began + n / plan.rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lateness.append((time.perf_counter() - scheduled) * 1000)
        command, run, company = workload.next(platform)
        command.scheduled = scheduled
        commands.append(command)
        tasks.append(asyncio.ensure_future(issue(command, run, company)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    loaded_pings = await pinging
    pool.shutdown(wait=True)

    # Wait for the projection to take in the last commands, then match.
    ids = await notification_ids(sender, commands)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all_seen(commands, ids, observer, schemas):
        await asyncio.sleep(0.05)
    await listener.close()
    await sender.close()

    latencies: dict[str, list[float]] = {t: [] for t in NETWORKS}
    missing = 0
    for command in commands:
        if command.error is not None:
            continue
        seen = seen_at(observer, schemas[command.tenant], ids[(command.company, command.version)])
        if seen is None:
            missing += 1
            continue
        latencies[command.tenant].append((seen - command.committed) * 1000)
    return Outcome(commands, latencies, missing, lateness, idle_pings, loaded_pings, elapsed)


async def notification_ids(
    conn: asyncpg.Connection, commands: Sequence[Command]
) -> dict[tuple[UUID, int], int]:
    records = await conn.fetch(
        f"SELECT originator_id, originator_version, notification_id FROM {LOG_TABLE} "
        "WHERE originator_id = ANY($1::uuid[])",
        list({c.company for c in commands}),
    )
    return {(r["originator_id"], r["originator_version"]): r["notification_id"] for r in records}


def seen_at(observer: Observer, schema: str, notification_id: int) -> float | None:
    """When the schema's tracking position first reached the notification id."""
    arrivals = observer.arrivals.get(schema, [])
    index = bisect.bisect_left(arrivals, notification_id, key=lambda a: a[0])
    return arrivals[index][1] if index < len(arrivals) else None


def all_seen(
    commands: Sequence[Command],
    ids: dict[tuple[UUID, int], int],
    observer: Observer,
    schemas: dict[str, str],
) -> bool:
    return all(
        c.error is not None or seen_at(observer, schemas[c.tenant], ids[(c.company, c.version)])
        for c in commands
    )


# --- The report --------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> tuple[float, float, float, float]:
    ordered = sorted(values)
    if len(ordered) < 2:
        only = ordered[0] if ordered else float("nan")
        return only, only, only, only
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], ordered[-1]


def row(label: str, values: Sequence[float]) -> str:
    p50, p95, p99, top = percentiles(values)
    return f"  {label:<44}{len(values):>8,}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{top:>9.1f}"


def report(outcome: Outcome, plan: Plan, server: str) -> None:
    done = [c for c in outcome.commands if c.error is None]
    failed = [c for c in outcome.commands if c.error is not None]
    every = [ms for values in outcome.latencies.values() for ms in values]
    commit_ms = [(c.committed - c.scheduled) * 1000 for c in done]
    print()
    print(f"Freshness of the read models under load ({os.cpu_count()} cores; {server})")
    print(
        f"{len(outcome.commands):,} commands in {outcome.elapsed:.1f} s "
        f"({len(outcome.commands) / outcome.elapsed:,.1f}/s, asked {plan.rate:g}/s): "
        f"register_company and advance_adoption for {', '.join(NETWORKS)}; "
        f"{len(failed)} failed; {outcome.missing} never seen in the read model"
    )
    print(
        "projection: `python -m osezia.cli project` (its own process), following "
        f"the platform's model and {len(DEFAULT_TENANTS)} tenants'"
    )
    print()
    print(f"  {'ms':<44}{'count':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    print("commit to row in the owner's read model:")
    print(row("every command", every))
    for tenant, values in outcome.latencies.items():
        print(row(f"  {tenant}", values))
    print("physical floor, a bare NOTIFY to a LISTEN callback:")
    print(row("idle, before the load", outcome.idle_pings))
    print(row("during the load (20 a second)", outcome.loaded_pings))
    print("the load itself:")
    print(row("command, from its scheduled start to commit", commit_ms))
    print(row("writer's lateness starting a command", outcome.lateness_ms))
    if failed:
        print(f"first failure: {failed[0].kind}: {failed[0].error}")
    print()
    p99 = percentiles(every)[2]
    floor = percentiles(outcome.loaded_pings)[2]
    print(f"p99 commit-to-row / p99 NOTIFY round trip under the same load: {p99 / floor:.1f}×")
    verdict = "MET" if p99 <= TARGET_P99_MS and outcome.missing == 0 else "NOT MET"
    print(
        f"TARGET p99 <= {TARGET_P99_MS:g} ms at {plan.rate:g} commands/s: {verdict} ({p99:.1f} ms)"
    )


# --- Main --------------------------------------------------------------------------------------


def start_projector(url: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # rebuilds in-process
    env["DATABASE_URL"] = url
    return subprocess.Popen(
        [sys.executable, "-m", "osezia.cli", "project"], env=env, stdout=log, stderr=log
    )


async def measure(url: str, platform: Platform, workload: Workload, plan: Plan) -> Outcome:
    with tempfile.NamedTemporaryFile(prefix="osezia-project-", suffix=".log") as log:
        projector = start_projector(url, log)
        try:
            conn = await asyncpg.connect(Database.from_url(url).asyncpg_dsn())
            try:
                targets = 1 + len(DEFAULT_TENANTS)  # the platform's model and every tenant's
                schemas = await wait_until_projected(conn, targets, projector, Path(log.name))
                await conn.execute(TRIGGER_FUNCTION)
                for target, schema in schemas.items():
                    if target != PLATFORM:
                        await conn.execute(
                            f'CREATE TRIGGER bench_tracking AFTER UPDATE ON "{schema}".tracking '
                            "FOR EACH ROW EXECUTE FUNCTION bench_tracking_notify()"
                        )
            finally:
                await conn.close()
            print(f"measuring for {plan.seconds:g} s at {plan.rate:g}/s...", file=sys.stderr)
            return await run_load(url, platform, workload, plan, schemas)
        finally:
            projector.send_signal(signal.SIGTERM)
            try:
                projector.wait(timeout=30)
            except subprocess.TimeoutExpired:
                projector.kill()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=200.0, help="commands/s (default 200)")
    parser.add_argument("--seconds", type=float, default=30.0, help="duration (default 30)")
    parser.add_argument(
        "--companies", type=int, default=2000, help="registered before the run (default 2000)"
    )
    parser.add_argument(
        "--writers", type=int, default=16, help="threads issuing commands (default 16)"
    )
    args = parser.parse_args(argv)
    plan = Plan(args.rate, args.seconds, args.companies, args.writers)
    admin_url = os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL
    print(f"recreating {DBNAME}...", file=sys.stderr)
    url = recreate_database(admin_url, DBNAME)
    migrate_everything(url)
    env = Database.from_url(url).eventsourcing_env(pool_size=plan.writers)
    platform = Platform(env, networks=REGISTERED_NETWORKS)
    # Shares the platform's store: kept referenced, as collecting it would close that store.
    tenants = Tenants(env=env, share_with=platform.companies)
    try:
        tenants.seed_defaults()
        workload = Workload()
        register_first_companies(platform, workload, plan.companies)
        outcome = asyncio.run(measure(url, platform, workload, plan))
    finally:
        platform.close()
    report(outcome, plan, server_description(url))


if __name__ == "__main__":
    with acting_for_process(Actor("bench", "operator", "system")):
        main()
