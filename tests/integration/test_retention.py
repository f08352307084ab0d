"""Retention through a real arq worker (`osezia worker`, a process of its own): its scheduled job
erases the learners whose last training and the ambassadors whose withdrawal are older than the
configured delays, reports how many, and spares everyone else."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from arq import create_pool
from arq.connections import RedisSettings
from redis import Redis

from osezia.domain.calendar import today_in_france
from osezia.domain.errors import Conflict
from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.domain.privacy.model import Erasure
from osezia.projections.readmodel import topic
from osezia.tenants.application import Tenants
from osezia.workers.retention import _erase
from tests.integration.process_support import Command, command_env, query, redis_database
from tests.integration.projection_support import build_all, catch_up_all, viewers_of

RETENTION_REDIS_DB = 15
DAYS = 30


@pytest.fixture
def retention_redis(redis: str) -> Iterator[str]:
    with redis_database(redis, RETENTION_REDIS_DB) as url:
        yield url


def run_the_scheduled_job(redis_url: str) -> Any:
    """The job arq's cron runs every night, enqueued now under the name the cron gives it."""

    async def run() -> Any:
        redis = await create_pool(RedisSettings.from_dsn(redis_url))
        try:
            job = await redis.enqueue_job("cron:erase_expired")
            assert job is not None
            return await job.result(timeout=120)
        finally:
            await redis.aclose()

    return asyncio.run(run())


def redis_holding(redis_url: str, *words: bytes) -> list[bytes]:
    """The keys of Redis whose name or value (the jobs, their arguments and results) holds any
    of the words."""
    with Redis.from_url(redis_url) as client:
        found = []
        for key in client.scan_iter():
            kind = client.type(key)
            value = client.dump(key) if kind != b"none" else b""
            if any(w in key or w in (value or b"") for w in words):
                found.append(key)
        return found


def enrol(platform: Platform, ref: str, code: str, on: date) -> UUID:
    return platform.trainings.enrol_learner(
        "cci",
        learner_ref=ref,
        training_code=code,
        training_title="IA au travail",
        audience="EMPLOYEE",
        region="53",
        on=on,
    )


def appoint(platform: Platform, name: str, withdrawn_on: date | None) -> UUID:
    ambassador = platform.ambassadors.appoint_ambassador(
        "cci", full_name=name, kind="GRAND_PUBLIC", network="CCI", appointed_on=date(2025, 9, 1)
    )
    if withdrawn_on is not None:
        platform.ambassadors.withdraw_ambassador(
            "cci", ambassador, reason="fin de mandat", on=withdrawn_on
        )
    return ambassador


def test_the_scheduled_job_erases_the_people_whose_time_is_up_and_says_how_many(
    database_url: str,
    platform: Platform,
    tenants: Tenants,
    retention_redis: str,
    tmp_path: Path,
) -> None:
    today = today_in_france()
    long_ago, lately = today - timedelta(days=DAYS + 20), today - timedelta(days=DAYS - 20)
    gone = appoint(platform, "Ambroisine Delaterrasse", withdrawn_on=long_ago)
    recently_gone = appoint(platform, "Hippolyte Quesnoy", withdrawn_on=lately)
    active = appoint(platform, "Eulalie Montbrison", withdrawn_on=None)
    old = enrol(platform, "OLD-1", "IA-101", long_ago)
    platform.trainings.complete_training("cci", old, on=long_ago + timedelta(days=5))
    back_again = [
        enrol(platform, "BACK-2", "IA-101", long_ago),
        enrol(platform, "BACK-2", "IA-2", lately),
    ]
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))
    env = command_env(
        DATABASE_URL=database_url,
        REDIS_URL=retention_redis,
        OSEZIA_RETAIN_LEARNERS_DAYS=str(DAYS),
        OSEZIA_RETAIN_AMBASSADORS_DAYS=str(DAYS),
    )
    worker = Command(["worker"], env, tmp_path / "worker.log")
    try:
        erased = run_the_scheduled_job(retention_redis)
        again = run_the_scheduled_job(retention_redis)
    finally:
        worker.stop()

    assert redis_holding(retention_redis, b"Delaterrasse", b"OLD-1") == []
    assert erased == {"ambassadors": 1, "learners": 1, "failed": 0}
    assert again == {"ambassadors": 0, "learners": 0, "failed": 0}
    assert "retention erased 2 people" in worker.output()
    assert "Delaterrasse" not in worker.output()
    asyncio.run(catch_up_all(database_url, viewers))
    names = {
        r["id"]: r["full_name"]
        for r in query(database_url, "SELECT id, full_name FROM platform.ambassadors")
    }
    assert names == {
        gone: ERASED,
        recently_gone: "Hippolyte Quesnoy",
        active: "Eulalie Montbrison",
    }
    refs = {
        r["id"]: r["learner_ref"] for r in query(database_url, "SELECT * FROM platform.trainings")
    }
    assert refs[old].startswith(ERASED)
    assert (refs[back_again[0]], refs[back_again[1]]) == ("BACK-2", "BACK-2")
    erasures = query(
        database_url,
        "SELECT count(*) AS n FROM osezia_events WHERE topic = %s",
        topic(Erasure.Recorded),
    )
    assert erasures == [{"n": 2}]


def test_a_person_that_cannot_be_erased_does_not_stop_the_others(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One record whose erasure fails (here a conflict, as a command appended meanwhile would
    give) is counted and left for the next run; the people after it are erased all the same."""
    appointed = [
        platform.ambassadors.appoint_ambassador(
            "cci",
            full_name=f"Personne {n}",
            kind="REGIONAL",
            network="CCI",
            region="11",
            appointed_on=date(2025, 9, 1),
        )
        for n in range(3)
    ]
    privacy = platform.privacy
    erase = privacy.erase_person

    def conflicting_on_the_second(tenant: str, record_id: UUID, **options: Any) -> UUID | None:
        if record_id == appointed[1]:
            raise Conflict("the record changed while it was being erased")
        return erase(tenant, record_id, **options)

    monkeypatch.setattr(privacy, "erase_person", conflicting_on_the_second)
    assert _erase(privacy, appointed, "retention: test") == (2, 1)
    names = [str(platform.ambassadors.repository.get(a).full_name) for a in appointed]
    assert names == [ERASED, "Personne 1", ERASED]
