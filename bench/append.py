"""Commands per second registering companies, at 1 and 8 concurrent writers, against two peers.

Run by hand, never in the test run:  .venv/bin/python bench/append.py [--seconds 10] [--rounds 3]

Three systems register companies on the same PostgreSQL, each in its own fresh database:

- osezia: ``Companies.register_company`` called from N threads (the application's pool has N
  connections); each command records a ``Company.Registered`` and a ``Company.SizeAssessed``
  event through eventsourcing's recorder and osezia's group commit.
- Emmett (``@event-driven-io/emmett-postgresql``, bench/emmett/append.mjs): the same two events
  appended to a new stream per company, by N concurrent async appenders in one Node process.
- pgbench: a single-row INSERT into a plain table by N clients, the ceiling for this machine.

osezia is measured twice in the same run: as it runs (the company's name, personal data for a
sole trader, encrypted under a key of the company's own, made in the key store on its first
event), and with encryption off (``osezia-plain``: the actor mapper alone, the name in clear);
the report prints the ratio, encryption's cost.

Each measurement runs a warm-up first and counts only the commands completed in the timed window.
With several rounds, the systems take turns in each round and the median is reported, so that a
change in the machine's load weighs on all of them alike. The CPU left idle just before and
just after the run is printed: figures taken on a busy machine are lower, and not alike.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import psycopg
from machine import PlainCompanies, cpu_idle, fresh_key_store, recreate_database

from osezia.domain.actors import Actor, acting_for_process
from osezia.domain.companies.application import Companies
from osezia.domain.sizes import SizeFacts
from osezia.projections.migrations import migrate
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS

BENCH_DIR = Path(__file__).resolve().parent
EMMETT_DIR = BENCH_DIR / "emmett"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
WRITER_COUNTS = (1, 8)
TARGET_RATIO = 2.0  # issue 2's target: osezia at least 2x Emmett at 8 writers
TARGET_WRITERS = 8

# Figures measured earlier on this machine, printed beside today's for comparison.
EARLIER = {
    ("eventsourcing", 1): 850,
    ("eventsourcing", 8): 430,
    ("Emmett", 1): 691,
    ("Emmett", 8): 981,
    ("pgbench", 1): 5878,
    ("pgbench", 8): 15244,
}


@dataclass(frozen=True)
class Plan:
    admin_url: str
    writer_counts: Sequence[int]
    seconds: float
    warmup: float


@dataclass(frozen=True)
class Result:
    system: str
    writers: int
    commands: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds


class System(Protocol):
    name: str
    how: str  # how its N writers run, for the report

    def prepare(self) -> None: ...

    def measure(self, writers: int) -> Result: ...


# --- Databases -------------------------------------------------------------------------------


def checkpoint(admin_url: str) -> None:
    # Flush what the previous measurement left dirty, so no checkpoint lands in the next one.
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def server_description(admin_url: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('server_version', 'synchronous_commit', 'fsync', 'commit_delay')"
        ).fetchall()
    settings: dict[str, str] = dict(rows)
    return (
        f"PostgreSQL {settings['server_version']} (fsync={settings['fsync']}, "
        f"synchronous_commit={settings['synchronous_commit']}, "
        f"commit_delay={settings['commit_delay']})"
    )


# --- Valid, distinct SIRENs --------------------------------------------------------------------


def luhn_check_digit(digits: str) -> str:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 0:  # the check digit will sit to the right, so these are doubled
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return str(-total % 10)


def siren(number: int) -> str:
    """The valid SIREN whose first eight digits are ``number``."""
    digits = f"{number:08d}"
    return digits + luhn_check_digit(digits)


# --- Running N writers for a fixed time ------------------------------------------------------


def run_writers(
    system: str, writers: int, command: Callable[[], None], seconds: float, warmup: float
) -> Result:
    """Call ``command`` in a loop from ``writers`` threads; count what completes in the window."""
    done = [0] * writers  # one slot per thread: no shared counter to contend on
    stop = threading.Event()
    errors: list[BaseException] = []

    def loop(slot: int) -> None:
        try:
            while not stop.is_set():
                command()
                done[slot] += 1
        except BaseException as error:
            errors.append(error)
            stop.set()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    stop.wait(warmup)
    first, start = sum(done), time.perf_counter()
    stop.wait(seconds)
    last, end = sum(done), time.perf_counter()
    stop.set()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return Result(system, writers, last - first, end - start)


# --- The three systems -----------------------------------------------------------------------


class Osezia:
    name = "osezia"
    how = "N threads calling Companies.register_company, a pool of N connections"
    application: type[Companies] = Companies

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.url = ""
        # next() on an itertools.count is atomic (a generator's is not: concurrent calls raise),
        # so threads never share a SIREN.
        self.numbers = itertools.count(10_000_000)

    def prepare(self) -> None:
        self.url = recreate_database(self.plan.admin_url, "osezia_bench")
        migrate(self.url)
        fresh_key_store(self.plan.admin_url, "osezia_bench_keys")

    def measure(self, writers: int) -> Result:
        checkpoint(self.plan.admin_url)
        app = self.application(
            env=Database.from_url(self.url).eventsourcing_env(pool_size=writers), networks=NETWORKS
        )
        size = SizeFacts(headcount_uta=Decimal(42))

        def register() -> None:
            app.register_company(
                "bench",
                siren=siren(next(self.numbers)),
                legal_name="Entreprise de démonstration",
                region="11",
                departement="75",
                naf="62.01Z",
                size=size,
            )

        try:
            return run_writers(self.name, writers, register, self.plan.seconds, self.plan.warmup)
        finally:
            app.close()


class OseziaPlain(Osezia):
    name = "osezia-plain"
    how = "the same, encryption off: the company's name stored in clear"
    application = PlainCompanies

    def __init__(self, plan: Plan, encrypted: Osezia) -> None:
        super().__init__(plan)
        self.encrypted = encrypted
        self.numbers = encrypted.numbers  # one sequence of SIRENs over the same database

    def prepare(self) -> None:
        self.url = self.encrypted.url or recreate_database(self.plan.admin_url, "osezia_bench")
        if not self.encrypted.url:
            migrate(self.url)


class Emmett:
    name = "Emmett"
    how = "N concurrent async appenders in ONE Node process, Emmett's default pool (10)"

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.url = ""
        self.node = ""
        self.first_siren = 10_000_000

    def prepare(self) -> None:
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            sys.exit("node and npm (Node 20+) are needed for Emmett's benchmark")
        self.node = node
        if not (EMMETT_DIR / "node_modules").is_dir():
            print("installing Emmett into bench/emmett/node_modules ...", file=sys.stderr)
            subprocess.run([npm, "install", "--prefix", str(EMMETT_DIR)], check=True)
        self.url = recreate_database(self.plan.admin_url, "emmett_bench")
        self._node("--migrate-only")  # Emmett's own tables and functions

    def measure(self, writers: int) -> Result:
        checkpoint(self.plan.admin_url)
        output = self._node(
            f"--writers={writers}",
            f"--seconds={self.plan.seconds}",
            f"--warmup={self.plan.warmup}",
            f"--first-siren={self.first_siren}",
        )
        report = json.loads(output.strip().splitlines()[-1])
        self.first_siren = int(report["last_siren_base"])
        return Result(self.name, writers, int(report["commands"]), float(report["seconds"]))

    def _node(self, *arguments: str) -> str:
        command = [self.node, str(EMMETT_DIR / "append.mjs"), f"--url={self.url}", *arguments]
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout


PGBENCH_TABLE = """
CREATE TABLE companies (
    id bigserial PRIMARY KEY,
    siren text NOT NULL,
    legal_name text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
)
"""
PGBENCH_SCRIPT = (
    "INSERT INTO companies (siren, legal_name)\n"
    "    VALUES ('100000009', 'Entreprise de démonstration');\n"
)


class Pgbench:
    name = "pgbench"
    how = "N clients (-c N, -j up to the cores), one single-row INSERT per transaction"

    def __init__(self, plan: Plan, script_dir: Path) -> None:
        self.plan = plan
        self.script = script_dir / "insert.sql"
        self.pgbench = ""
        self.database = Database.from_url(plan.admin_url)

    def prepare(self) -> None:
        found = shutil.which("pgbench") or max(
            glob.glob("/usr/lib/postgresql/*/bin/pgbench"), default=None
        )
        if found is None:
            sys.exit("pgbench is needed (it comes with PostgreSQL's client tools)")
        self.pgbench = found
        url = recreate_database(self.plan.admin_url, "pgbench_bench")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(PGBENCH_TABLE)
        self.database = Database.from_url(url)
        self.script.write_text(PGBENCH_SCRIPT)

    def measure(self, writers: int) -> Result:
        checkpoint(self.plan.admin_url)
        self._run(writers, self.plan.warmup)
        output = self._run(writers, self.plan.seconds)
        transactions = re.search(r"number of transactions actually processed: (\d+)", output)
        tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
        if transactions is None or tps is None:
            sys.exit(f"could not read pgbench's output:\n{output}")
        count = int(transactions.group(1))
        return Result(self.name, writers, count, count / float(tps.group(1)))

    def _run(self, writers: int, seconds: float) -> str:
        database = self.database
        command = [
            self.pgbench,
            *("-h", database.host, "-p", str(database.port), "-U", database.user),
            "--no-vacuum",
            f"--file={self.script}",
            f"--client={writers}",
            f"--jobs={min(writers, os.cpu_count() or 1)}",
            f"--time={max(1, round(seconds))}",
            database.dbname,
        ]
        env = {**os.environ, "PGPASSWORD": database.password} if database.password else None
        return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout


# --- The report ------------------------------------------------------------------------------


def median_results(results: Sequence[Result]) -> dict[tuple[str, int], list[float]]:
    rates: dict[tuple[str, int], list[float]] = {}
    for r in results:
        rates.setdefault((r.system, r.writers), []).append(r.per_second)
    return rates


def ratio(rates: dict[tuple[str, int], list[float]], a: str, b: str, writers: int) -> str:
    if (a, writers) not in rates or (b, writers) not in rates:
        return "—"
    return f"{statistics.median(rates[a, writers]) / statistics.median(rates[b, writers]):.2f}×"


def report(
    systems: Sequence[System],
    results: Sequence[Result],
    plan: Plan,
    rounds: int,
    server: str,
    idle: tuple[float | None, float | None],
) -> None:
    rates = median_results(results)
    cores = os.cpu_count()
    print()
    print(
        f"Registering companies: {plan.seconds:g} s per measurement after a {plan.warmup:g} s "
        f"warm-up, {rounds} round(s)" + (", median shown" if rounds > 1 else "")
    )
    print(f"Machine: {cores} cores; {server}")
    if idle[0] is not None and idle[1] is not None:
        print(f"CPU idle just before the run: {idle[0]:.0%}, just after: {idle[1]:.0%}")
        if min(idle[0], idle[1]) < 0.8:
            print("  (something else was running: figures are lower than on an idle machine)")
    for system in systems:
        print(f"  {system.name}: {system.how}")
    print()
    spread = "   range (min–max)" if rounds > 1 else ""
    print(f"{'system':<10}{'writers':>8}{'commands/s':>12}{'earlier':>9}{spread}")
    for system in systems:
        for writers in plan.writer_counts:
            values = rates[system.name, writers]
            earlier = EARLIER.get((system.name, writers))
            shown = f"{earlier:,}" if earlier else ""
            line = f"{system.name:<10}{writers:>8}{statistics.median(values):>12,.0f}{shown:>9}"
            if rounds > 1:
                line += f"   {min(values):,.0f}–{max(values):,.0f}"
            print(line)
    plain_1, plain_8 = EARLIER[("eventsourcing", 1)], EARLIER[("eventsourcing", 8)]
    print(
        "(earlier = measured before on this machine; eventsourcing's plain recorder did "
        f"{plain_1:,}/s at 1 writer, {plain_8:,}/s at 8 threads)"
    )
    print()
    print(f"{'writers':<10}{'osezia/Emmett':>15}{'osezia/pgbench':>16}")
    for writers in plan.writer_counts:
        to_emmett = ratio(rates, "osezia", "Emmett", writers)
        to_pgbench = ratio(rates, "osezia", "pgbench", writers)
        print(f"{writers:<10}{to_emmett:>15}{to_pgbench:>16}")
    print()
    for writers in plan.writer_counts:
        if ("osezia", writers) in rates and ("osezia-plain", writers) in rates:
            cost = ratio(rates, "osezia", "osezia-plain", writers)
            print(f"encryption's cost at {writers} writer(s): osezia/osezia-plain = {cost}")
    print()
    target = f"TARGET: osezia >= {TARGET_RATIO:g}× Emmett at {TARGET_WRITERS} writers"
    osezia, emmett = rates.get(("osezia", TARGET_WRITERS)), rates.get(("Emmett", TARGET_WRITERS))
    if osezia is None or emmett is None:
        print(f"{target}: not measured in this run")
        return
    achieved = statistics.median(osezia) / statistics.median(emmett)
    verdict = "MET" if achieved >= TARGET_RATIO else "NOT MET"
    print(
        f"{target}: {verdict} ({achieved:.2f}×: {statistics.median(osezia):,.0f}/s "
        f"against {statistics.median(emmett):,.0f}/s)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed window (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up before it (default 2)")
    parser.add_argument("--rounds", type=int, default=1, help="turns of every measurement")
    parser.add_argument(
        "--only",
        choices=("osezia", "osezia-plain", "Emmett", "pgbench"),
        action="append",
        help="measure only this system (repeatable)",
    )
    parser.add_argument(
        "--writers",
        type=int,
        action="append",
        help=f"measure only this writer count (repeatable; default {WRITER_COUNTS})",
    )
    args = parser.parse_args(argv)
    plan = Plan(
        admin_url=os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL,
        writer_counts=args.writers or WRITER_COUNTS,
        seconds=args.seconds,
        warmup=args.warmup,
    )
    with tempfile.TemporaryDirectory(prefix="osezia-bench-") as script_dir:
        osezia = Osezia(plan)
        everything: list[System] = [
            osezia,
            OseziaPlain(plan, osezia),
            Emmett(plan),
            Pgbench(plan, Path(script_dir)),
        ]
        # osezia is measured with encryption off in the same run, for encryption's cost.
        only = set(args.only or ()) | ({"osezia-plain"} if "osezia" in (args.only or ()) else set())
        systems = [s for s in everything if not only or s.name in only]
        idle_before = cpu_idle()
        for system in systems:
            system.prepare()
        results: list[Result] = []
        for round_ in range(1, args.rounds + 1):
            for system in systems:
                for writers in plan.writer_counts:
                    print(
                        f"round {round_}: {system.name}, {writers} writer(s) ...",
                        file=sys.stderr,
                        flush=True,
                    )
                    results.append(system.measure(writers))
    idle = (idle_before, cpu_idle())
    report(systems, results, plan, args.rounds, server_description(plan.admin_url), idle)


if __name__ == "__main__":
    with acting_for_process(Actor("bench", "operator", "system")):
        main()
