"""Rebuilding one tenant's read models from a long log, against the ceiling of reading that log.

Run by hand, never in the test run:  .venv/bin/python bench/rebuild.py [--events 1000000]

The script recreates the database ``osezia_bench_rebuild``, migrates it, seeds the tenants and
writes a history of real osezia events (companies registered and sized, adoption stages,
referrals between networks and some revocations) for CCI, Bpifrance, La French Tech and INRIA,
in large batches through eventsourcing's recorder. It then measures, each in a fresh
subprocess so that the writer's memory counts for nothing:

- the ceiling: eventsourcing's own bare read of the log (``recorder.select_notifications``)
  and read + decode (``mapper.to_domain_event``), and osezia's (asyncpg, then
  ``osezia.projections.log.read_events``, which decodes with orjson);
- ``osezia.projections.rebuild.rebuild`` of the platform's model (tenants' figures read it, so
  it must be live first) and of one tenant's, with events/s and peak RSS.

The rebuilds also run once on a tenth of the history, so the two peak RSS figures show whether
memory grows with the number of events.

Companies' names are personal data (a sole trader's), encrypted in the log under a key of each
company's own (issue 14): the same history is written again, with encryption off, into
``osezia_bench_rebuild_plain``, and rebuilt the same way; the report prints the rebuild's rate
with encryption as a ratio to its rate without (target: at least 0.8). On a machine shared with
other work one rebuild's rate varies by a third from run to run, so each side is rebuilt
``--repeats`` times, the two sides alternating, and the medians are compared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import psycopg
from eventsourcing.domain import Aggregate
from machine import PlainCompanies, fresh_key_store, recreate_database
from psycopg import sql

from osezia.domain.actors import Actor, acting_for_process
from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.referrals.model import Purpose, Referral
from osezia.domain.sizes import SizeFacts, segment_of, size_category
from osezia.projections.log import LOG_TABLE, read_events
from osezia.projections.migrations import migrate_everything
from osezia.projections.names import stable_schema
from osezia.projections.rebuild import rebuild
from osezia.projections.registry import READ_MODELS
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS as REGISTERED_NETWORKS
from osezia.tenants.profiles import DEFAULT_TENANTS
from osezia.tenants.visibility import PLATFORM, PLATFORM_VIEWER, Viewer

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DBNAME = "osezia_bench_rebuild"
READ_BATCH = 5000  # the batch size of osezia's rebuild, used for every reader here
TARGET_RATE = 25_000  # the target, events/s for one tenant's rebuild
ENCRYPTION_TARGET = 0.8  # issue 14: a rebuild with encryption, this share of its rate without

# Figures measured earlier on this machine, printed beside today's.
EARLIER_LIBRARY_READ_DECODE = 27_500
EARLIER_LIBRARY_RUNNER = 4_750  # eventsourcing's projection runner, committing every 100 events

# --- The history -------------------------------------------------------------------------------

NETWORKS = ("cci", "bpifrance", "french-tech", "inria")
PLACES = (("11", "75"), ("53", "35"), ("84", "69"), ("76", "31"), ("32", "59"), ("93", "13"))
NAF_CODES = ("62.01Z", "25.62A", "47.11B", "10.71C", "71.12B", "46.69B", "01.11Z")
HEADCOUNTS = (Decimal(3), Decimal(12), Decimal(42), Decimal(180), Decimal(900), Decimal(6000))
STAGES = tuple(stage for stage in AdoptionStage if stage is not AdoptionStage.NONE)
COMPANIES_PER_BATCH = 1000  # with their later events, about 4,000 events per save
ADVANCE_CHANCE = 0.35  # a company still on its way advances one stage in a given batch
REFERRAL_CHANCE = 0.03  # an adoption step comes with a referral to another network
REVOKE_CHANCE = 0.25  # a referral is revoked in the next batch
FIRST_DAY = date(2025, 1, 6)


@dataclass
class _Journey:
    company: Company
    stages_left: int


@dataclass
class HistoryCounts:
    events: int = 0
    companies: int = 0
    adoption_steps: int = 0
    referrals: int = 0
    revocations: int = 0


class HistoryWriter:
    """Writes a history of companies across the networks, many aggregates per save.

    The events are the domain's own (aggregates built with their commands' methods), saved with
    ``Application.save``: one transaction, one table lock and one NOTIFY per batch. A company's
    adoption steps fall in later batches than its registration, so a rebuild meets updates of
    rows written by earlier batches, as it would in a real log.
    """

    def __init__(self, companies: Companies, seed: int = 7) -> None:
        self._app = companies
        self._random = random.Random(seed)
        self._serial = 0
        self._batch = 0
        self._journeys: list[_Journey] = []
        self._to_revoke: list[Referral] = []
        self.counts = HistoryCounts()

    def write_until(self, events: int) -> None:
        while self.counts.events < events:
            # A company brings about four events: the last batch stops near the count.
            remaining = events - self.counts.events
            self._app.save(*self._next_batch(min(COMPANIES_PER_BATCH, remaining // 4 + 1)))

    def _next_batch(self, new_companies: int) -> list[Aggregate]:
        self._batch += 1
        day = FIRST_DAY + timedelta(days=self._batch // 4)
        written: list[Aggregate] = []
        for referral in self._to_revoke:
            referral.revoke("consentement retiré par l'entreprise")
            written.append(referral)
            self.counts.revocations += 1
        self._to_revoke = []
        still_going: list[_Journey] = []
        for journey in self._journeys:
            if self._random.random() >= ADVANCE_CHANCE:
                still_going.append(journey)
                continue
            company = journey.company
            stage = company.records[company.tenant].adoption_stage
            company.advance_adoption(company.tenant, STAGES[stage.rank], day)
            written.append(company)
            self.counts.adoption_steps += 1
            journey.stages_left -= 1
            if journey.stages_left:
                still_going.append(journey)
            if self._random.random() < REFERRAL_CHANCE:
                written.append(self._referral(company))
        self._journeys = still_going
        for _ in range(new_companies):
            company = self._new_company()
            written.append(company)
            stages = self._random.randint(0, 4)
            if stages:
                self._journeys.append(_Journey(company, stages))
        self.counts.events += sum(len(a.pending_events) for a in written)
        return written

    def _new_company(self) -> Company:
        self._serial += 1
        region, departement = self._random.choice(PLACES)
        company = Company(
            tenant=self._random.choice(NETWORKS),
            siren=complete_siren(f"{10_000_000 + self._serial:08d}"),
            legal_name=f"Entreprise {self._serial}",
            region=region,
            departement=departement,
            naf=self._random.choice(NAF_CODES),
        )
        facts = SizeFacts(headcount_uta=self._random.choice(HEADCOUNTS))
        category, basis = size_category(facts)
        company.assess_size(
            tenant=company.tenant,
            category=category.value,
            basis=basis.value,
            segment=segment_of(category).value,
            headcount_uta=facts.headcount_uta,
            turnover_cents=None,
            balance_sheet_cents=None,
            sirene_category=None,
            staff_band=None,
        )
        self.counts.companies += 1
        return company

    def _referral(self, company: Company) -> Referral:
        to_tenant = self._random.choice([n for n in NETWORKS if n != company.tenant])
        referral = Referral(
            tenant=company.tenant,
            company_id=company.id,
            to_tenant=to_tenant,
            purpose=self._random.choice(list(Purpose)).value,
            reason="accompagnement proposé à l'entreprise",
            consent_reference=f"CONSENT-{company.siren}",
        )
        self.counts.referrals += 1
        if self._random.random() < REVOKE_CHANCE:
            self._to_revoke.append(referral)
        return referral


# --- Databases ---------------------------------------------------------------------------------


def prepare_for_reading(url: str) -> None:
    """Vacuum (sets hint bits and the visibility map), checkpoint, and read the log once, so
    that no measurement pays for the writes before it or for a cold cache."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(LOG_TABLE)))
        conn.execute("CHECKPOINT")
        conn.execute(sql.SQL("SELECT sum(length(state)) FROM {}").format(sql.Identifier(LOG_TABLE)))


def server_description(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('server_version', 'shared_buffers', 'synchronous_commit')"
        ).fetchall()
    settings: dict[str, str] = dict(rows)
    buffers_mib = int(settings["shared_buffers"]) * 8 // 1024  # the setting counts 8 kB pages
    return (
        f"PostgreSQL {settings['server_version']} (shared_buffers={buffers_mib} MiB, "
        f"synchronous_commit={settings['synchronous_commit']})"
    )


def row_counts(url: str, target: str) -> dict[str, int]:
    schema = stable_schema(target)
    with psycopg.connect(url, autocommit=True) as conn:
        counts: dict[str, int] = {}
        for model in READ_MODELS:
            query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(model.table.name)
            )
            row = conn.execute(query).fetchone()
            counts[model.table.name] = int(row[0]) if row else 0
    return counts


# --- Measurements, each in a fresh subprocess ----------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    what: str
    events: int
    seconds: float
    cpu_seconds: float  # this process's own CPU time (the server's is not counted)
    rss_before_kib: int  # after imports, before the work
    peak_rss_kib: int  # the process's high-water mark

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _peak_rss_kib() -> int:
    # VmHWM, not getrusage's ru_maxrss: Linux carries the parent's high-water mark over a
    # fork and exec into ru_maxrss, so a child would report the writer's memory.
    return _status_kib("VmHWM")


def measure_library(url: str, decode: bool) -> tuple[int, float]:
    """eventsourcing's notification log reader, and its mapper when ``decode``."""
    app = Companies(
        env=Database.from_url(url).eventsourcing_env(pool_size=1), networks=REGISTERED_NETWORKS
    )
    try:
        count, start = 0, 1
        began = time.perf_counter()
        while notifications := app.recorder.select_notifications(start, READ_BATCH):
            if decode:
                for notification in notifications:
                    app.mapper.to_domain_event(notification)
            count += len(notifications)
            start = notifications[-1].id + 1
        return count, time.perf_counter() - began
    finally:
        app.close()


async def measure_ours(url: str, decode: bool) -> tuple[int, float]:
    """asyncpg's fetch alone, or osezia's read_events (the same fetch, decoded with orjson)."""
    conn = await asyncpg.connect(Database.from_url(url).asyncpg_dsn())
    try:
        count, position = 0, 0
        query = (
            "SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {LOG_TABLE} WHERE notification_id > $1 ORDER BY notification_id LIMIT $2"
        )
        began = time.perf_counter()
        while True:
            if decode:
                events = await read_events(conn, position, READ_BATCH)
                if not events:
                    break
                for event in events:
                    event.data  # noqa: B018 (decoded on first read, which this measures)
                count, position = count + len(events), events[-1].position
            else:
                records = await conn.fetch(query, position, READ_BATCH)
                if not records:
                    break
                count, position = count + len(records), records[-1][0]
        return count, time.perf_counter() - began
    finally:
        await conn.close()


def viewer_of(target: str) -> Viewer:
    # The seeded tenants' profiles are the defaults (the registry stores them as data).
    return PLATFORM_VIEWER if target == PLATFORM else Viewer(target, DEFAULT_TENANTS[target][1])


async def measure_rebuild(url: str, target: str) -> tuple[int, float]:
    began = time.perf_counter()
    outcome = await rebuild(url, viewer_of(target))
    seconds = time.perf_counter() - began
    if outcome.status != "LIVE":
        raise RuntimeError(f"the rebuild of {target} ended {outcome.status}")
    return outcome.position, seconds


def run_child(what: str, url: str, target: str) -> None:
    before, cpu = _status_kib("VmRSS"), time.process_time()
    if what == "library-read":
        events, seconds = measure_library(url, decode=False)
    elif what == "library-decode":
        events, seconds = measure_library(url, decode=True)
    elif what == "asyncpg-read":
        events, seconds = asyncio.run(measure_ours(url, decode=False))
    elif what == "osezia-decode":
        events, seconds = asyncio.run(measure_ours(url, decode=True))
    elif what == "rebuild":
        events, seconds = asyncio.run(measure_rebuild(url, target))
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    cpu = time.process_time() - cpu
    print(json.dumps(asdict(Measurement(what, events, seconds, cpu, before, _peak_rss_kib()))))


def in_subprocess(what: str, url: str, target: str = "") -> Measurement:
    print(f"  measuring {what} {target}...", file=sys.stderr, flush=True)
    arguments = [sys.executable, __file__, "--child", what, "--url", url, "--target", target]
    output = subprocess.run(arguments, check=True, capture_output=True, text=True).stdout
    data: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return Measurement(**data)


# --- The report --------------------------------------------------------------------------------


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def micros(m: Measurement) -> float:
    return m.seconds / m.events * 1e6


def line(label: str, m: Measurement, note: str = "") -> str:
    return (
        f"  {label:<56}{m.events:>11,}{m.seconds:>8.1f} s{m.per_second:>10,.0f}/s"
        f"{m.cpu_seconds:>8.1f} s{mib(m.peak_rss_kib):>10}  {note}"
    )


def report(
    counts: HistoryCounts,
    write_seconds: float,
    reads: dict[str, Measurement],
    small: Sequence[Measurement],
    full: Sequence[Measurement],
    target: str,
    rows: dict[str, int],
    server: str,
    plain: Sequence[Measurement],
    runs: Runs,
) -> None:
    library = reads["library-decode"]
    platform, tenant = full
    print()
    print(f"Rebuilding read models from the log ({os.cpu_count()} cores; {server})")
    print(
        f"history: {counts.events:,} events written in {write_seconds:.1f} s "
        f"({counts.events / write_seconds:,.0f}/s): {counts.companies:,} companies registered "
        f"and sized, {counts.adoption_steps:,} adoption steps, {counts.referrals:,} referrals, "
        f"{counts.revocations:,} revoked; networks {', '.join(NETWORKS)}"
    )
    print()
    print(
        f"  {'(batches of ' + format(READ_BATCH, ',') + ' events)':<56}"
        f"{'events':>11}{'time':>10}{'rate':>12}{'our CPU':>10}{'peak RSS':>10}"
    )
    print("reading the whole log, no projection:")
    print(line("eventsourcing select_notifications", reads["library-read"]))
    print(line("eventsourcing select_notifications + to_domain_event", library, "the ceiling"))
    print(line("asyncpg fetch", reads["asyncpg-read"]))
    print(line("osezia read_events (asyncpg + orjson decode)", reads["osezia-decode"]))
    print("rebuild(), whole: new schema, every batch committed with its position, swap:")
    print(line("platform (sees every record; tenants' figures read it)", platform))
    print(line(f"{target}", tenant, f"= {tenant.per_second / library.per_second:.2f}× the ceiling"))
    held = ", ".join(f"{n:,} {table}" for table, n in rows.items() if n)
    print(f"  ({target}'s read model holds {held}; the platform's, every record)")
    whole, fetch = micros(tenant), micros(reads["asyncpg-read"])
    decode = micros(reads["osezia-decode"]) - fetch
    print(
        f"where {target}'s time goes, per event of the log: {whole:.1f} µs = fetching "
        f"{fetch:.1f} µs + decoding, at most {decode:.1f} µs (only the events it keeps) "
        f"+ applying, writing and committing: {whole - fetch - decode:.1f} µs or more"
    )
    print()
    print("memory (peak RSS of the rebuilding process; RSS after imports in brackets):")
    for label, few, many in zip((PLATFORM, target), small, full, strict=True):
        print(
            f"  {label}: {mib(few.peak_rss_kib)} at {few.events:,} "
            f"events ({mib(few.rss_before_kib)}), {mib(many.peak_rss_kib)} at {many.events:,} "
            f"events ({mib(many.rss_before_kib)}): "
            f"{many.peak_rss_kib / few.peak_rss_kib:.2f}× for {many.events / few.events:.1f}× "
            "the events"
        )
    print()
    print(
        f"earlier on this machine: eventsourcing read + decode ~{EARLIER_LIBRARY_READ_DECODE:,}/s; "
        f"its projection runner ~{EARLIER_LIBRARY_RUNNER:,}/s committing every 100 "
        f"({target}'s rebuild today: {tenant.per_second / EARLIER_LIBRARY_RUNNER:.1f}× that)"
    )
    print()
    repeats = len(runs[(True, target)])
    print(
        "encryption (companies' names sealed under each company's key) against none, "
        f"{repeats} rebuilds each way, interleaved (the figures above: the median runs):"
    )
    print(line(f"platform, encryption off ({plain[0].events:,} events)", plain[0]))
    print(line(f"{target}, encryption off", plain[1]))
    for label, sealed, clear in zip((PLATFORM, target), full, plain, strict=True):
        each = ", ".join(
            f"{on.per_second / off.per_second:.2f}"
            for on, off in zip(runs[(True, label)], runs[(False, label)], strict=True)
        )
        cost = sealed.per_second / clear.per_second
        met = "met" if cost >= ENCRYPTION_TARGET else "NOT met"
        print(
            f"  {label}'s rebuild with encryption runs at {cost:.2f}× its rate without "
            f"(medians; run by run: {each}; target ≥ {ENCRYPTION_TARGET}×: {met})"
        )
        # Less disturbed by other work on the machine than the wall time, but blind to
        # PostgreSQL's (the same for both sides but for the key store's trips).
        cpu = statistics.median(m.cpu_seconds / m.events for m in runs[(True, label)])
        cpu_off = statistics.median(m.cpu_seconds / m.events for m in runs[(False, label)])
        print(
            f"    the rebuilding process's own CPU time: {cpu * 1e6:.1f} µs an event against "
            f"{cpu_off * 1e6:.1f} without (medians): {cpu_off / cpu:.2f}× the rate it allows"
        )
    verdict = "MET" if tenant.per_second >= TARGET_RATE else "NOT MET"
    print(
        f"TARGET >= {TARGET_RATE:,} events/s for one tenant's rebuild: {verdict} "
        f"({target}: {tenant.per_second:,.0f}/s, peak RSS {mib(tenant.peak_rss_kib)})"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="events to write (default 1,000,000)"
    )
    parser.add_argument(
        "--tenant", default="cci", choices=NETWORKS, help="the tenant to rebuild (default cci)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="rebuilds with and without encryption, interleaved, for the median (default 5)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--target", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, args.url, args.target)
        return

    admin_url = os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL
    print(f"recreating {DBNAME} and writing {args.events:,} events...", file=sys.stderr)
    url = recreate_database(admin_url, DBNAME)
    migrate_everything(url)
    keys = fresh_key_store(admin_url, DBNAME + "_keys")
    # The measuring subprocesses open the same key store.
    os.environ["OSEZIA_KEYS_URL"] = keys.store.url  # type: ignore[attr-defined]
    env = Database.from_url(url).eventsourcing_env(pool_size=2)
    platform = Platform(env, networks=REGISTERED_NETWORKS)
    # Shares the platform's store: kept referenced, as collecting it would close that store.
    tenants = Tenants(env=env, share_with=platform.companies)
    try:
        tenants.seed_defaults()
        writer = HistoryWriter(platform.companies)
        began = time.perf_counter()
        writer.write_until(args.events // 10)
        write_seconds = time.perf_counter() - began
        # The same rebuilds on a tenth of the history: does memory grow with the log?
        small = [in_subprocess("rebuild", url, t) for t in (PLATFORM, args.tenant)]
        began = time.perf_counter()
        writer.write_until(args.events)
        write_seconds += time.perf_counter() - began
    finally:
        platform.close()
    prepare_for_reading(url)
    kinds = ("library-read", "library-decode", "asyncpg-read", "osezia-decode")
    reads = {kind: in_subprocess(kind, url) for kind in kinds}
    plain_url = write_plain(admin_url, args.events)
    runs = interleaved_rebuilds(url, plain_url, args.tenant, args.repeats)
    full = [median_of(runs[(True, t)]) for t in (PLATFORM, args.tenant)]
    plain = [median_of(runs[(False, t)]) for t in (PLATFORM, args.tenant)]
    rows = row_counts(url, args.tenant)
    report(
        writer.counts,
        write_seconds,
        reads,
        small,
        full,
        args.tenant,
        rows,
        server_description(url),
        plain,
        runs,
    )


Runs = dict[tuple[bool, str], list[Measurement]]  # by (encrypted, target)


def interleaved_rebuilds(url: str, plain_url: str, tenant: str, repeats: int) -> Runs:
    """Each rebuild with encryption and without, ``repeats`` times, alternating which goes
    first: both sides meet the same load from whatever else runs on the machine."""
    runs: Runs = {}
    for n in range(repeats):
        order = (False, True) if n % 2 else (True, False)
        for target in (PLATFORM, tenant):
            for encrypted in order:
                measured = in_subprocess("rebuild", url if encrypted else plain_url, target)
                runs.setdefault((encrypted, target), []).append(measured)
    return runs


def median_of(measurements: list[Measurement]) -> Measurement:
    """The run of median rate (the lower middle one of an even count)."""
    ranked = sorted(measurements, key=lambda m: m.per_second)
    return ranked[(len(ranked) - 1) // 2]


def write_plain(admin_url: str, events: int) -> str:
    """The same history (same seed) written with encryption off; its database's URL."""
    print(f"writing the same {events:,} events with encryption off...", file=sys.stderr)
    url = recreate_database(admin_url, DBNAME + "_plain")
    migrate_everything(url)
    env = Database.from_url(url).eventsourcing_env(pool_size=2)
    companies = PlainCompanies(env, networks=REGISTERED_NETWORKS)
    tenants = Tenants(env=env, share_with=companies)
    try:
        tenants.seed_defaults()
        HistoryWriter(companies).write_until(events)
    finally:
        companies.close()
    prepare_for_reading(url)
    return url


if __name__ == "__main__":
    with acting_for_process(Actor("bench", "operator", "system")):
        main()
