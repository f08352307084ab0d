"""Commands per second registering companies, at 1 and 8 concurrent writers, against two peers.

Run by hand, never in the test run:  .venv/bin/python bench/append.py [--seconds 10]

Three systems register companies on the same PostgreSQL, each in its own fresh database:

- osezia: ``Companies.register_company`` called from N threads (the application's pool has N
  connections); each command records a ``Company.Registered`` and a ``Company.SizeAssessed``
  event through eventsourcing's recorder and osezia's group commit.
- Emmett (``@event-driven-io/emmett-postgresql``, bench/emmett/append.mjs): the same two events
  appended to a new stream per company, by N concurrent async appenders in one Node process.
- pgbench: a single-row INSERT into a plain table by N clients, the ceiling for this machine.

Each measurement runs a warm-up first and counts only the commands completed in the timed window.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg import sql

from osezia.config import Database
from osezia.domain.companies.application import Companies
from osezia.domain.sizes import SizeFacts
from osezia.migrations import migrate

BENCH_DIR = Path(__file__).resolve().parent
EMMETT_DIR = BENCH_DIR / "emmett"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
WRITER_COUNTS = (1, 8)
SYSTEMS = ("osezia", "Emmett", "pgbench")
TARGET_RATIO = 2.0  # the target: osezia at least 2x Emmett at 8 writers

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


# --- Databases -------------------------------------------------------------------------------


def with_database(admin_url: str, dbname: str) -> str:
    head, _, query = admin_url.partition("?")
    return f"{head.rsplit('/', 1)[0]}/{dbname}" + (f"?{query}" if query else "")


def recreate_database(admin_url: str, dbname: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return with_database(admin_url, dbname)


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


def sirens(first: int = 10_000_000) -> Iterator[str]:
    for base in itertools.count(first):
        digits = f"{base:08d}"
        yield digits + luhn_check_digit(digits)


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


def bench_osezia(plan: Plan) -> list[Result]:
    url = recreate_database(plan.admin_url, "osezia_bench")
    migrate(url)
    # itertools.count's next() is atomic under the GIL, so threads never share a SIREN.
    numbers = sirens()
    size = SizeFacts(headcount_uta=Decimal(42))
    results = []
    for writers in plan.writer_counts:
        checkpoint(plan.admin_url)
        app = Companies(env=Database.from_url(url).eventsourcing_env(pool_size=writers))

        def register(app: Companies = app) -> None:
            app.register_company(
                "bench",
                siren=next(numbers),
                legal_name="Entreprise de démonstration",
                region="11",
                departement="75",
                naf="62.01Z",
                size=size,
            )

        try:
            results.append(run_writers("osezia", writers, register, plan.seconds, plan.warmup))
        finally:
            app.close()
    return results


def ensure_emmett_installed() -> None:
    if (EMMETT_DIR / "node_modules").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed for Emmett's benchmark (Node 20+)")
    print("installing Emmett into bench/emmett/node_modules ...", file=sys.stderr)
    subprocess.run([npm, "install", "--prefix", str(EMMETT_DIR)], check=True)


def bench_emmett(plan: Plan) -> list[Result]:
    ensure_emmett_installed()
    node = shutil.which("node")
    if node is None:
        sys.exit("node is needed for Emmett's benchmark (Node 20+)")
    url = recreate_database(plan.admin_url, "emmett_bench")
    first_siren = 10_000_000
    results = []
    for index, writers in enumerate(plan.writer_counts):
        checkpoint(plan.admin_url)
        arguments = [
            node,
            str(EMMETT_DIR / "append.mjs"),
            f"--url={url}",
            f"--writers={writers}",
            f"--seconds={plan.seconds}",
            f"--warmup={plan.warmup}",
            f"--first-siren={first_siren}",
        ]
        if index == 0:
            arguments.append("--migrate")  # Emmett's own schema, created before the warm-up
        output = subprocess.run(arguments, check=True, capture_output=True, text=True).stdout
        report = json.loads(output.strip().splitlines()[-1])
        first_siren = int(report["last_siren_base"])
        results.append(Result("Emmett", writers, int(report["commands"]), report["seconds"]))
    return results


def find_pgbench() -> str:
    found = shutil.which("pgbench") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None
    )
    if found is None:
        sys.exit("pgbench is needed (it comes with PostgreSQL's client tools)")
    return found


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


def bench_pgbench(plan: Plan) -> list[Result]:
    pgbench = find_pgbench()
    url = recreate_database(plan.admin_url, "pgbench_bench")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(PGBENCH_TABLE)
    database = Database.from_url(url)
    connection = ["-h", database.host, "-p", str(database.port), "-U", database.user]
    env = {**os.environ, "PGPASSWORD": database.password} if database.password else None
    cores = os.cpu_count() or 1
    results = []
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    try:
        for writers in plan.writer_counts:
            checkpoint(plan.admin_url)

            def run(duration: float, writers: int = writers) -> str:
                arguments = [
                    pgbench,
                    *connection,
                    "--no-vacuum",
                    f"--file={script.name}",
                    f"--client={writers}",
                    f"--jobs={min(writers, cores)}",
                    f"--time={max(1, round(duration))}",
                    database.dbname,
                ]
                return subprocess.run(
                    arguments, check=True, capture_output=True, text=True, env=env
                ).stdout

            run(plan.warmup)
            output = run(plan.seconds)
            transactions = re.search(r"number of transactions actually processed: (\d+)", output)
            tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
            if transactions is None or tps is None:
                sys.exit(f"could not read pgbench's output:\n{output}")
            count = int(transactions.group(1))
            results.append(Result("pgbench", writers, count, count / float(tps.group(1))))
    finally:
        os.unlink(script.name)
    return results


# --- The report ------------------------------------------------------------------------------


def ratio(numerator: Result | None, denominator: Result | None) -> str:
    if numerator is None or denominator is None:
        return "—"
    return f"{numerator.per_second / denominator.per_second:.2f}×"


def report(results: Sequence[Result], plan: Plan, server: str) -> None:
    by_key = {(r.system, r.writers): r for r in results}
    print()
    print(
        f"Registering companies: {plan.seconds:g} s per measurement "
        f"after a {plan.warmup:g} s warm-up"
    )
    print(f"Machine: {os.cpu_count()} cores; {server}")
    print("osezia: N threads, pool of N connections, group commit;")
    print("Emmett: N concurrent async appenders in ONE Node process (node-postgres pool of 10);")
    print("pgbench: N clients, one single-row INSERT per transaction.")
    print()
    print(f"{'system':<10}{'writers':>8}{'commands':>11}{'commands/s':>13}{'earlier':>10}")
    for r in results:
        earlier = EARLIER.get((r.system, r.writers))
        shown = f"{earlier:,}" if earlier else ""
        print(f"{r.system:<10}{r.writers:>8}{r.commands:>11,}{r.per_second:>13,.0f}{shown:>10}")
    plain_1, plain_8 = EARLIER[("eventsourcing", 1)], EARLIER[("eventsourcing", 8)]
    print(
        "(earlier: measured before on this machine; eventsourcing's plain recorder did "
        f"{plain_1:,}/s at 1 writer, {plain_8:,}/s at 8)"
    )
    print()
    print(f"{'writers':<10}{'osezia/Emmett':>15}{'osezia/pgbench':>16}")
    for writers in plan.writer_counts:
        osezia = by_key.get(("osezia", writers))
        emmett = by_key.get(("Emmett", writers))
        pgbench = by_key.get(("pgbench", writers))
        print(f"{writers:<10}{ratio(osezia, emmett):>15}{ratio(osezia, pgbench):>16}")
    print()
    osezia, emmett = by_key.get(("osezia", 8)), by_key.get(("Emmett", 8))
    if osezia is None or emmett is None:
        print(f"TARGET osezia >= {TARGET_RATIO:g}× Emmett at 8 writers: not measured in this run")
        return
    achieved = osezia.per_second / emmett.per_second
    verdict = "MET" if achieved >= TARGET_RATIO else "NOT MET"
    print(
        f"TARGET osezia >= {TARGET_RATIO:g}× Emmett at 8 writers: {verdict} "
        f"({achieved:.2f}×: {osezia.per_second:,.0f}/s against {emmett.per_second:,.0f}/s)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10.0, help="timed window (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up before it (default 2)")
    parser.add_argument(
        "--only", choices=SYSTEMS, action="append", help="measure only this system (repeatable)"
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
    benches: dict[str, Callable[[Plan], list[Result]]] = {
        "osezia": bench_osezia,
        "Emmett": bench_emmett,
        "pgbench": bench_pgbench,
    }
    results: list[Result] = []
    for system in args.only or SYSTEMS:
        print(f"measuring {system} ...", file=sys.stderr, flush=True)
        results.extend(benches[system](plan))
    report(results, plan, server_description(plan.admin_url))


if __name__ == "__main__":
    main()
