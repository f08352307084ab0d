"""What the process-level projection tests share: a fast history writer, a stream of commands
in a thread, `osezia` commands run as real processes, and polling the database with a deadline."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from uuid import UUID

import psycopg
from eventsourcing.domain import Aggregate
from psycopg.rows import dict_row
from redis import Redis

from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.diagnostics.model import Diagnostic
from osezia.domain.errors import DomainError
from osezia.domain.identifiers import complete_siren, luhn_ok
from osezia.domain.platform import Platform
from osezia.domain.referrals.model import Referral
from osezia.domain.sizes import SizeFacts, segment_of, size_category
from osezia.projections.names import stable_schema

OSEZIA = [sys.executable, "-m", "osezia.cli"]
OWNERS = ("cci", "bpifrance", "french-tech", "inria")
REGIONS = (("53", "35"), ("11", "75"))

T = TypeVar("T")


# -- writing a history -------------------------------------------------------------------------


def siren_of(serial: int) -> str:
    return complete_siren(f"{30_000_000 + serial:08d}")


def _siret(siren: str, establishment: int) -> str:
    stem = f"{siren}{establishment:04d}"
    return next(stem + d for d in "0123456789" if luhn_ok(stem + d))


def _assess(company: Company, tenant: str, headcount: int) -> None:
    category, basis = size_category(SizeFacts(headcount_uta=Decimal(headcount)))
    company.assess_size(
        tenant=tenant,
        category=category.value,
        basis=basis.value,
        segment=segment_of(category).value,
        headcount_uta=Decimal(headcount),
        turnover_cents=None,
        balance_sheet_cents=None,
        sirene_category=None,
        staff_band=None,
    )


def a_company(serial: int, owner: str, follower: str | None = None) -> Company:
    """A company with its size assessed and one or two adoption steps (all through the model);
    with a `follower`, that network follows it too, with a size and a stage of its own."""
    region, departement = REGIONS[serial % len(REGIONS)]
    company = Company(
        tenant=owner,
        siren=siren_of(serial),
        legal_name=f"Entreprise {serial}",
        region=region,
        departement=departement,
        naf="62.01Z",
    )
    _assess(company, owner, 3 + serial % 300)
    company.advance_adoption(owner, AdoptionStage.AWARE, date(2025, 9, 1))
    if serial % 2:
        company.advance_adoption(owner, AdoptionStage.TRAINED, date(2025, 11, 1))
    if serial % 5 == 0:
        company.add_establishment(owner, _siret(company.siren, 1), departement, True)
    if follower is not None:
        company.follow(follower, f"Société {serial}", region, departement, "62.02A")
        _assess(company, follower, 300 + serial % 5000)
        company.advance_adoption(follower, AdoptionStage.DIAGNOSED, date(2025, 10, 1))
    return company


def write_history(
    platform: Platform,
    companies: int,
    *,
    start: int = 0,
    owners: tuple[str, ...] = OWNERS,
    share_with: str = "cci",
    diagnostics: bool = False,
    chunk: int = 400,
) -> list[UUID]:
    """Companies of every network, with adoption steps, establishments, a second follower
    (every fourth, when there are several owners), shares (some revoked) and optionally a
    diagnostic each, saved `chunk` companies per transaction.

    Shares and adoption steps append to lists in the rows, so an event applied twice shows.
    """
    ids: list[UUID] = []
    for first in range(start, start + companies, chunk):
        batch: list[Aggregate] = []
        for serial in range(first, min(first + chunk, start + companies)):
            owner = owners[serial % len(owners)]
            follower = owners[(serial + 1) % len(owners)] if serial % 4 == 1 else None
            company = a_company(serial, owner, follower if follower != owner else None)
            batch.append(company)
            ids.append(company.id)
            if serial % 3 == 0:
                referral = Referral(
                    tenant=owner,
                    company_id=company.id,
                    to_tenant=share_with if owner != share_with else "bpifrance",
                    purpose="DIAGNOSTIC",
                    reason="wants a diagnostic",
                    consent_reference=f"consent-{serial}",
                )
                company.refer(referral.id, owner, referral.to_tenant)
                if serial % 9 == 0:
                    referral.revoke("consent withdrawn")
                    company.end_referral(referral.id)
                batch.append(referral)
            if diagnostics:
                batch.append(
                    Diagnostic(
                        tenant=owner,
                        company_id=company.id,
                        company_siren=company.siren,
                        company_name=company.legal_name,
                        region=company.region,
                        segment=company.record(owner).segment,
                        expert_days_cap=10,
                    )
                )
        platform.companies.save(*batch)
    return ids


@dataclass
class CommandStream:
    """Commands sent one after the other from a thread, as the API would, until stopped."""

    platform: Platform
    first_serial: int
    stop: threading.Event = field(default_factory=threading.Event)
    sent: int = 0
    failures: list[BaseException] = field(default_factory=list)

    def run(self) -> None:
        p = self.platform
        companies: list[tuple[str, UUID]] = []
        referrals: list[tuple[str, UUID]] = []
        serial = self.first_serial
        try:
            while not self.stop.is_set():
                owner = OWNERS[serial % len(OWNERS)]
                region, departement = REGIONS[serial % len(REGIONS)]
                company = p.companies.register_company(
                    owner,
                    siren=siren_of(serial),
                    legal_name=f"Entreprise {serial}",
                    region=region,
                    departement=departement,
                    naf="62.01Z",
                    size=SizeFacts(headcount_uta=Decimal(12)),
                )
                companies.append((owner, company))
                earlier_owner, earlier = companies[(serial * 7) % len(companies)]
                # Refused when already trained: a refused command is part of the traffic.
                with contextlib.suppress(DomainError):
                    p.companies.advance_adoption(
                        earlier_owner, earlier, stage="TRAINED", on=date(2026, 1, 1)
                    )
                if serial % 2 == 0:
                    to = "cci" if owner != "cci" else "inria"
                    referral = p.referrals.share_company(
                        owner,
                        company,
                        to_tenant=to,
                        purpose="PARTNERSHIP",
                        reason="research topic",
                        consent_reference=f"live-{serial}",
                    )
                    referrals.append((owner, referral))
                if serial % 5 == 0 and referrals:
                    by, referral = referrals.pop(0)
                    p.referrals.revoke_referral(by, referral, reason="consent withdrawn")
                serial += 1
                self.sent += 1
        except BaseException as error:  # reported by the test, not lost in the thread
            self.failures.append(error)


@contextmanager
def commands_flowing(platform: Platform, first_serial: int) -> Iterator[CommandStream]:
    stream = CommandStream(platform, first_serial)
    thread = threading.Thread(target=stream.run, name="command-stream", daemon=True)
    thread.start()
    try:
        yield stream
    finally:
        stream.stop.set()
        thread.join(timeout=30)
    assert not stream.failures, stream.failures


# -- running `osezia` --------------------------------------------------------------------------


def command_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(extra)
    return env


class Command:
    """One `osezia …` process, its output in a log file (read back when a test fails)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            out.write(f"\n$ osezia {' '.join(args)}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                [*OSEZIA, *args], env=env, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_for_output(self, text: str, seconds: float) -> None:
        eventually(lambda: text in self.output() or not self.running, seconds, f"{text!r} printed")
        assert self.running, self.output()

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, connections dropped mid-statement."""
        if self.running:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a supervisor would; the process shuts down cleanly."""
        if self.running:
            self.process.terminate()
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"osezia ignored SIGTERM:\n{self.output()}") from None

    def wait(self, seconds: float) -> int:
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"osezia did not finish in {seconds}s:\n{self.output()}") from None


def eventually(check: Callable[[], T | None], seconds: float, what: str | Callable[[], str]) -> T:
    """Poll until `check` returns something other than None (or False); `what` explains a
    timeout (a callable is asked only then, e.g. for a process's output)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            explained = what() if callable(what) else what
            raise AssertionError(f"not within {seconds}s: {explained}")
        time.sleep(0.05)


# -- reading the database as an operator would ---------------------------------------------------


def query(database_url: str, sql: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
        return conn.execute(sql, params).fetchall()


def versions(database_url: str, target: str) -> list[dict[str, Any]]:
    return query(
        database_url,
        "SELECT version, status, data_schema, events_done, events_total, rate, cancel_requested "
        "FROM read_model_versions WHERE target = %s ORDER BY version",
        target,
    )


def head(database_url: str) -> int:
    return int(
        query(database_url, "SELECT coalesce(max(notification_id), 0) AS h FROM osezia_events")[0][
            "h"
        ]
    )


def schemas_like(database_url: str, pattern: str) -> set[str]:
    rows = query(database_url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", pattern)
    return {r["nspname"] for r in rows}


def live_position(database_url: str, target: str) -> int | None:
    """The tracking position the target's stable schema serves, None while it has no version."""
    if not any(v["status"] == "LIVE" for v in versions(database_url, target)):
        return None
    tracking = f'SELECT position FROM "{stable_schema(target)}".tracking'
    return int(query(database_url, tracking)[0]["position"])


# -- a PostgreSQL of a test's own, to stop and restart -------------------------------------------

SYSTEM_POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def _postgres_bin() -> Path:
    """The machine's PostgreSQL 15 programs, else those of the embedded-database wheel."""
    if (SYSTEM_POSTGRES_BIN / "pg_ctl").exists():
        return SYSTEM_POSTGRES_BIN
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


class OwnPostgres:
    """A throwaway PostgreSQL cluster on a port of its own, which a test may stop and restart
    (never the shared server on 5432). As root, its programs run as the `postgres` user, since
    PostgreSQL refuses to run as root."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port = directory, port
        self.data = directory / "data"
        self._bin = _postgres_bin()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self._as, str(self._bin / program), *args],
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def create(self) -> None:
        if self._as:
            os.chown(self.directory, *_postgres_ids())
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.directory / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast`: what a restart by an operator or a supervisor does (sessions are ended)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def log(self) -> str:
        return (self.directory / "postgres.log").read_text(errors="replace")[-4000:]


def _postgres_ids() -> tuple[int, int]:
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


@contextmanager
def own_postgres(port: int) -> Iterator[OwnPostgres]:
    """A new cluster, started, and removed with its data afterwards. Its directory is not under
    pytest's tmp_path: the `postgres` user must be able to reach it."""
    directory = Path(tempfile.mkdtemp(prefix="osezia-own-pg-"))
    server = OwnPostgres(directory, port)
    try:
        server.create()
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def redis_database(redis_url: str, number: int) -> Iterator[str]:
    """Database `number` of this Redis, empty before and after: arq's job keys
    (arq:job:rebuild:cci) are not namespaced by queue, so modules that share a database share
    jobs. Each module that runs workers takes a number of its own."""
    url = urlsplit(redis_url)._replace(path=f"/{number}").geturl()
    client = Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()
