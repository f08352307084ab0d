"""Retention: the people whose time is up are erased by a scheduled job (arq's cron).

A learner is erased OSEZIA_RETAIN_LEARNERS_DAYS after their last training (the latest
enrolment or completion of theirs that their network recorded), an ambassador
OSEZIA_RETAIN_AMBASSADORS_DAYS after their withdrawal. Who is due is read from the platform's
read model, which sees every network's records; each is erased as the operator would erase
them (osezia.domain.privacy), so the erasure is recorded with its ground, and a person erased
already is found no more (their fields read « effacé »). The job passes no argument: nothing
about a person is ever written to Redis.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg

from osezia.domain.actors import Actor, acting
from osezia.domain.calendar import today_in_france
from osezia.domain.errors import DomainError
from osezia.domain.grants import OPERATOR
from osezia.domain.privacy.application import Privacy
from osezia.projections.connections import connect
from osezia.projections.retention import ambassadors_due, learners_due
from osezia.store.settings import Database, Settings

log = logging.getLogger("osezia.retention")

# How long a run's report (how many people it erased) stays readable in Redis: a day.
REPORT_KEPT_SECONDS = 86_400
# The share of the job's timeout spent erasing; the others wait for the next run.
RUN_SHARE = 0.8
# The actor of the erasures the schedule decides.
RETENTION_ACTOR = Actor("retention", OPERATOR, "system")


def _erase(
    privacy: Privacy, ids: list[UUID], ground: str, until: float = math.inf
) -> tuple[int, int]:
    """How many of the records' people were erased, and how many could not be: one that fails
    (a command's conflict, a record that changed meanwhile) is logged and left for the next
    run, and the others are erased all the same. An outage of a store stops the run."""
    erased = failed = 0
    with acting(RETENTION_ACTOR):
        for record_id in ids:
            if time.monotonic() >= until:
                break  # the job's time is up: the next run erases the others
            try:
                if privacy.erase_person(OPERATOR, record_id, reason=ground, everyone=True):
                    erased += 1
            except DomainError as error:
                failed += 1
                log.warning(
                    "retention could not erase the person of record %s: %s (%s)",
                    record_id,
                    error.code,
                    error.message,
                    extra={"record": str(record_id), "code": error.code},
                )
    return erased, failed


async def erase_expired(ctx: dict[str, Any]) -> dict[str, int]:
    """Erase every learner and ambassador whose retention period is over; report how many."""
    settings: Settings = ctx["settings"]
    database_url: str = ctx["database_url"]
    # Within arq's timeout for the job (the rebuild lease), with room to record the report.
    until = time.monotonic() + RUN_SHARE * settings.rebuild_lease_seconds
    today = today_in_france()
    learners_cutoff = today - timedelta(days=settings.retain_learners_days)
    ambassadors_cutoff = today - timedelta(days=settings.retain_ambassadors_days)
    conn = await connect(database_url)
    try:
        ambassadors = await ambassadors_due(conn, ambassadors_cutoff)
        learners = await learners_due(conn, learners_cutoff)
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        log.info("retention erased nobody: the platform's read models are not built yet")
        return {"ambassadors": 0, "learners": 0, "failed": 0}
    finally:
        await conn.close()
    env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
    privacy = Privacy(env=env)
    try:
        ambassadors_erased, ambassadors_failed = await asyncio.to_thread(
            _erase,
            privacy,
            ambassadors,
            f"retention: withdrawn before {ambassadors_cutoff}",
            until,
        )
        learners_erased, learners_failed = await asyncio.to_thread(
            _erase,
            privacy,
            learners,
            f"retention: last training before {learners_cutoff}",
            until,
        )
    finally:
        privacy.close()
    failed = ambassadors_failed + learners_failed
    log.info(
        "retention erased %d people: %d ambassadors withdrawn before %s, %d learners whose "
        "last training was before %s; %d could not be erased",
        ambassadors_erased + learners_erased,
        ambassadors_erased,
        ambassadors_cutoff,
        learners_erased,
        learners_cutoff,
        failed,
        extra={"ambassadors": ambassadors_erased, "learners": learners_erased, "failed": failed},
    )
    return {"ambassadors": ambassadors_erased, "learners": learners_erased, "failed": failed}
