"""Events per second importing trainings from a CSV, against the physical limit and two peers.

Run by hand, never in the test run:  .venv/bin/python bench/import.py [--rows 500000]

The script writes a CSV of trainings (90 % completed: about 1.9 events a row), recreates the
database ``osezia_bench_import``, migrates it, and measures, in one run:

- osezia: ``import_trainings`` (osezia.domain.trainings.importer) over the file, as
  ``osezia import trainings`` runs it (parsing and checking every row, looking up what the log
  holds, the learners' keys asked of the key store and their references encrypted, building the
  stored events, bulk append); then the same file again, when every row is already present;
- osezia with encryption off: the same import, the references in clear, no key store, the
  enrolments looked up by one id: encryption's cost is the ratio of the two (issue 14's target:
  at least 0.9);
- raw COPY: the same stored events, already in memory, copied (binary) into a plain table with
  no key and no index: the physical limit of this machine for these bytes;
- eventsourcing: the same stored events through the library's own recorder,
  ``recorder.insert_events`` in batches of 10,000 (its LOCK TABLE, NOTIFY and
  ``INSERT … SELECT FROM unnest(%b)`` with RETURNING), into an emptied log;
- osezia.store.bulk alone: the same stored events through ``BulkAppender`` in batches of 40,000,
  the import's write path without its parsing and checks;
- Marten: its published bulk-append figure, a constant, NOT measured here.

It prints events per second for each, the ratios, where the import's time goes (a cProfile
run over a tenth of the file, by module), and whether the target (50,000 events/s) is met.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import StoredEvent
from machine import cpu_idle, fresh_key_store, recreate_database

from osezia.domain.actors import Actor, acting_for_process
from osezia.domain.geography import REGIONS
from osezia.domain.identifiers import complete_siren
from osezia.domain.trainings.application import Trainings
from osezia.domain.trainings.file import COLUMNS, Training
from osezia.domain.trainings.importer import TrainingImport
from osezia.projections.migrations import migrate
from osezia.store.bulk import BulkAppender
from osezia.store.keys import SealingKey
from osezia.store.settings import Database

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DBNAME = "osezia_bench_import"
TARGET = 50_000  # events/s
ENCRYPTION_TARGET = 0.9  # the import with encryption, at least this share of its rate without
TODAY = date(2026, 6, 30)
RECORDER_BATCH = 10_000
BULK_BATCH = 40_000  # about the events of one batch of the import (20,000 rows)

# Marten's own figure for its bulk append (PostgreSQL COPY … FROM STDIN BINARY), "in local
# benchmarks", on other hardware: https://martendb.io/events/bulk-appending ("Performance").
MARTEN_BULK_APPEND = (80_000, 110_000)

AUDIENCES = ("EMPLOYEE", "EMPLOYEE", "EMPLOYEE", "LEADER", "APPRENTICE", "JOB_SEEKER", "apprenti")
TRAININGS = (
    ("IA-101", "Comprendre l'IA générative"),
    ("IA-PME-2", "L'IA pour les PME : cas d'usage"),
    ("IA-LEAD", "Piloter un projet d'IA"),
    ("IA-DATA", "Préparer ses données pour l'IA"),
    ("IA-CFA-1", "L'IA au quotidien, parcours apprentis"),
)


@dataclass(frozen=True)
class Rate:
    label: str
    events: int
    seconds: float
    cpu_seconds: float | None = None  # this process's own CPU time (PostgreSQL's is not in it)

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    """A realistic file: 500k learners over five trainings, 40 % with a known employer."""
    chance = random.Random(seed)
    regions = list(REGIONS)
    sirens = [complete_siren(f"{30_000_000 + n:08d}") for n in range(20_000)]
    start = date(2025, 10, 1)
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["record_id", *COLUMNS])
        for n in range(rows):
            code, title = TRAININGS[n % len(TRAININGS)]
            enrolled = start + timedelta(days=chance.randrange(200))
            completed = enrolled + timedelta(days=chance.randrange(1, 60))
            out.writerow(
                [
                    n,
                    f"LRN-{n // len(TRAININGS):08d}",
                    chance.choice(AUDIENCES),
                    code,
                    title,
                    chance.choice(regions),
                    chance.choice(sirens) if chance.random() < 0.4 else "",
                    enrolled.isoformat(),
                    completed.isoformat() if chance.random() < 0.9 and completed <= TODAY else "",
                ]
            )


def empty_log(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        # The log refuses TRUNCATE (it only grows); the bench's own database, as a superuser
        # in replica mode, is emptied between runs all the same.
        conn.execute("SET session_replication_role = replica")
        conn.execute("TRUNCATE osezia_events RESTART IDENTITY")
        conn.execute("CHECKPOINT")


class PlainImport(TrainingImport):
    """The import with encryption off: references in clear, no key store, one id looked up."""

    def learner_keys(self, batch: list[Training]) -> dict[str, SealingKey]:
        return {}

    def looked_up(self, batch: list[Training]) -> list[bytes]:
        return [t.key for t in batch]

    @staticmethod
    def ref(
        keys: dict[str, SealingKey],
        ciphers: dict[int, AESGCM],
        learner_ref: str,
        enrolment: bytes,
        nonce: bytes,
    ) -> bytes:
        return orjson.dumps(learner_ref)


def measure_import(
    url: str,
    path: Path,
    label: str,
    events: int | None = None,
    job: type[TrainingImport] = TrainingImport,
) -> Rate:
    with psycopg.connect(url, autocommit=True) as conn, path.open(newline="") as file:
        started, cpu = time.perf_counter(), time.process_time()
        summary = job(conn, "operator", today=TODAY).run(file)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label}: {summary}", file=sys.stderr)
    # A second run of the same file writes nothing: it is rated by the events it found present.
    return Rate(label, summary.events.written if events is None else events, seconds, cpu)


def stored_events(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM osezia_events "
            "ORDER BY notification_id"
        ).fetchall()


def measure_raw_copy(url: str, events: list[tuple[Any, ...]]) -> Rate:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS plain_events")
        conn.execute(
            "CREATE TABLE plain_events (originator_id uuid, originator_version bigint, "
            "topic text, state bytea)"
        )
        conn.execute("CHECKPOINT")
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cursor:
            copy_sql = "COPY plain_events FROM STDIN (FORMAT BINARY)"
            with cursor.copy(copy_sql) as copy:
                copy.set_types(("uuid", "int8", "text", "bytea"))
                for row in events:
                    copy.write_row(row)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE plain_events")
    return Rate("raw COPY into a plain table", len(events), seconds)


def measure_recorder(url: str, events: list[tuple[Any, ...]]) -> Rate:
    stored = [StoredEvent(*row) for row in events]
    empty_log(url)
    app = Trainings(env=Database.from_url(url).eventsourcing_env(pool_size=1))
    try:
        started = time.perf_counter()
        for i in range(0, len(stored), RECORDER_BATCH):
            app.recorder.insert_events(stored[i : i + RECORDER_BATCH])
        seconds = time.perf_counter() - started
    finally:
        app.close()
    return Rate(f"eventsourcing insert_events ({RECORDER_BATCH:,} a batch)", len(stored), seconds)


def measure_bulk(url: str, events: list[tuple[Any, ...]]) -> Rate:
    empty_log(url)
    rows = [(UUID(bytes=r[0].bytes), r[1], r[2], bytes(r[3])) for r in events]
    with psycopg.connect(url, autocommit=True) as conn:
        started, cpu = time.perf_counter(), time.process_time()
        BulkAppender(conn).append(rows, batch_size=BULK_BATCH)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Rate(f"osezia.store.bulk append alone ({BULK_BATCH:,} a batch)", len(rows), seconds, cpu)


class ProfiledImport(TrainingImport):
    """The import, with its writer thread's batches profiled too (cProfile sees one thread)."""

    writer_profile = cProfile.Profile()

    def _import(self, batch: list[Training]) -> Any:
        self.writer_profile.enable()
        try:
            return super()._import(batch)
        finally:
            self.writer_profile.disable()


def profile_import(url: str, path: Path, rows: int) -> list[tuple[str, float]]:
    """Where the import's time goes, by area, over the first tenth of the file, both threads."""
    sample = path.with_suffix(".sample.csv")
    with path.open(newline="") as source, sample.open("w", newline="") as target:
        for n, line in enumerate(source):
            if n > rows // 10:
                break
            target.write(line)
    empty_log(url)
    reader = cProfile.Profile()
    with psycopg.connect(url, autocommit=True) as conn, sample.open(newline="") as file:
        job = ProfiledImport(conn, "operator", today=TODAY)
        reader.enable()
        job.run(file)
        reader.disable()
    sample.unlink()
    by_area: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(reader)
    stats.add(ProfiledImport.writer_profile)
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        area = _area(filename, function)
        if area is not None:
            by_area[area] += row[2]  # own time
    total = sum(by_area.values())
    return sorted(((area, t / total) for area, t in by_area.items()), key=lambda x: -x[1])


def _area(filename: str, function: str) -> str | None:
    if "acquire" in function or "wait" in function:
        return None  # the reader waiting for the writer (or back): counted where it is spent
    if "psycopg" in filename or "bulk.py" in filename:
        return "writing: psycopg, binary COPY encoding, waiting for PostgreSQL"
    if "_csv" in function:
        return "csv module"
    if "orjson" in function or "_state" in function or "_transcoded" in function:
        return "building the events' JSON"
    if "uuid" in filename or "sha1" in function or "create_id" in function:
        return "ids (uuid5)"
    if "osezia" in filename:
        return "checking rows (osezia's own code)"
    return "other (stdlib, builtins: dates, regular expressions, …)"


def report(
    rates: Sequence[Rate],
    profile: list[tuple[str, float]],
    rows: int,
    idle: tuple[float | None, float | None],
    pairs: tuple[list[Rate], list[Rate]],
) -> None:
    osezia, _, _, copy, recorder, bulk = rates
    print(f"\nImporting {rows:,} trainings ({osezia.events:,} events), {os.cpu_count()} cores")
    shares = ", ".join("?" if i is None else f"{i:.0%}" for i in idle)
    print(f"CPU left idle just before and just after: {shares}")
    if any(i is not None and i < 0.8 for i in idle):
        print("  the machine was busy: these rates are lower than on an idle machine")
    width = max(len(r.label) for r in rates) + 2
    for rate in rates:
        cpu = ""
        if rate.cpu_seconds:
            cpu = f", our CPU {1e6 * rate.cpu_seconds / rate.events:.1f} µs/event"
        print(
            f"  {rate.label:<{width}} {rate.per_second:>10,.0f} events/s  "
            f"({rate.seconds:.1f}s{cpu})"
        )
    low, high = MARTEN_BULK_APPEND
    print(
        f"  {'Marten bulk append (published, NOT measured here)':<{width}} "
        f"{low:>7,}–{high:,} events/s  (martendb.io/events/bulk-appending)"
    )
    print("\nRatios")
    print(f"  osezia / raw COPY (the physical limit): {osezia.per_second / copy.per_second:.2f}")
    versus_library = osezia.per_second / recorder.per_second
    print(f"  osezia / eventsourcing insert_events:   {versus_library:.2f}")
    print(f"  osezia.store.bulk / eventsourcing:      {bulk.per_second / recorder.per_second:.2f}")
    waiting = osezia.seconds - (osezia.cpu_seconds or 0.0)
    print(
        f"  the import's wall time not spent on our CPU (PostgreSQL, or other work on the "
        f"machine): {waiting:.1f}s of {osezia.seconds:.1f}s"
    )
    print(
        f"  osezia / Marten's published figure:     {osezia.per_second / high:.2f}–"
        f"{osezia.per_second / low:.2f} (other hardware: an order of magnitude, no more)"
    )
    print("\nWhere the import's CPU goes (cProfile, own time, both threads, a tenth of the file)")
    for area, share in profile:
        print(f"  {share:6.1%}  {area}")
    met = "met" if osezia.per_second >= TARGET else "NOT met"
    print(f"\nTarget ≥ {TARGET:,} events/s: {met} ({osezia.per_second:,.0f} events/s)")
    sealed_runs, plain_runs = pairs
    print(
        f"\nEncryption's cost, {len(sealed_runs)} runs each way, interleaved (a fresh key store "
        "for each run: with encryption, every learner's first key is made in it):"
    )
    for n, (on, off) in enumerate(zip(sealed_runs, plain_runs, strict=True), 1):
        print(
            f"  run {n}: {on.per_second:>8,.0f} against {off.per_second:>8,.0f} events/s "
            f"= {on.per_second / off.per_second:.2f}×"
        )
    on_rate = statistics.median(r.per_second for r in sealed_runs)
    off_rate = statistics.median(r.per_second for r in plain_runs)
    cost = on_rate / off_rate
    met = "met" if cost >= ENCRYPTION_TARGET else "NOT met"
    print(
        f"Encryption's cost: the import runs at {cost:.2f}× its rate with encryption off "
        f"(medians: {on_rate:,.0f} against {off_rate:,.0f} events/s); "
        f"target ≥ {ENCRYPTION_TARGET}×: {met}"
    )
    # Less disturbed by other work on the machine than the wall time, but blind to
    # PostgreSQL's, the key store's included (its first keys, made for each new learner).
    cpu_on = statistics.median((r.cpu_seconds or 0.0) / r.events for r in sealed_runs)
    cpu_off = statistics.median((r.cpu_seconds or 0.0) / r.events for r in plain_runs)
    print(
        f"  the importing process's own CPU time: {cpu_on * 1e6:.1f} µs an event against "
        f"{cpu_off * 1e6:.1f} without (medians): {cpu_off / cpu_on:.2f}× the rate it allows"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="imports with and without encryption, interleaved, for the median (default 5)",
    )
    arguments = parser.parse_args(argv)
    admin_url = os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL
    url = recreate_database(admin_url, DBNAME)
    migrate(url)
    idle_before = cpu_idle()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "trainings.csv"
        print(f"writing {arguments.rows:,} rows to {path}", file=sys.stderr)
        write_csv(path, arguments.rows)
        pairs = measure_pairs(admin_url, url, path, arguments.repeats)
        plain = pairs[1][-1]
        empty_log(url)
        fresh_key_store(admin_url, DBNAME + "_keys")
        first = measure_import(url, path, "osezia import trainings")
        again = measure_import(url, path, "osezia, the same file again", first.events)
        events = stored_events(url)
        copy = measure_raw_copy(url, events)
        recorder = measure_recorder(url, events)
        bulk = measure_bulk(url, events)
        profile = profile_import(url, path, arguments.rows)
    rates = [first, again, plain, copy, recorder, bulk]
    report(rates, profile, arguments.rows, (idle_before, cpu_idle()), pairs)


def measure_pairs(
    admin_url: str, url: str, path: Path, repeats: int
) -> tuple[list[Rate], list[Rate]]:
    """The import with encryption and without, ``repeats`` times each, alternating which goes
    first, each into an emptied log with a fresh key store and a cold keyring: a run with
    encryption makes every learner's first key, as a first import does; both compute the
    learners' keyed digests (the enrolments' ids), under a new digest key."""
    sealed: list[Rate] = []
    plain: list[Rate] = []
    for n in range(repeats):
        for encrypted in (True, False) if n % 2 else (False, True):
            empty_log(url)
            fresh_key_store(admin_url, DBNAME + "_keys")
            if encrypted:
                sealed.append(measure_import(url, path, f"with encryption, run {n + 1}"))
            else:
                label = f"encryption off, run {n + 1}"
                plain.append(measure_import(url, path, label, job=PlainImport))
    return sealed, plain


if __name__ == "__main__":
    with acting_for_process(Actor("bench", "operator", "system")):
        main()
