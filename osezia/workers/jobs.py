"""arq jobs. Each receives ids, not objects, and is safe to run again."""

from __future__ import annotations

import logging
import time
from typing import Any

from arq import Retry

from osezia.observability.probe import Health
from osezia.projections.rebuild import Outcome
from osezia.projections.rebuild import rebuild as rebuild_read_models
from osezia.projections.targets import Targets
from osezia.workers import metrics
from osezia.workers.process import FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS, one_line, outages

log = logging.getLogger("osezia.worker")

# A rebuild holds its job for a lease (Settings.rebuild_lease_seconds, arq's job timeout). A
# worker that dies (kill -9, a lost node) leaves arq's in-progress mark behind for the lease and
# 10 s more, after which any live or restarted worker takes the job over and resumes from the
# saved position. A run therefore builds for well under the lease, then hands what is left to
# its next run.
# Every handover counts as a try for arq: a rebuild must survive any number of them, and of
# dead workers.
MAX_TRIES = 1_000_000


def rebuild_job_id(target: str) -> str:
    """One id per target: enqueuing a rebuild that is already queued or running does nothing."""
    return f"rebuild:{target}"


def work_seconds(lease_seconds: float) -> float:
    """How long one run builds before handing over: half its lease, so that a slow last batch
    still ends well within it."""
    return lease_seconds / 2


async def rebuild(ctx: dict[str, Any], target: str, batch_size: int = 5000) -> dict[str, object]:
    """Rebuild a tenant's (or the platform's) read models from the whole history.

    Resumable: a build interrupted by a crash continues from its own tracking position.
    `batch_size` events are applied per transaction; a cancellation is seen between two. A run
    that used up its share of the lease is queued again at once (arq's Retry), on any worker.
    """
    targets: Targets = ctx["targets"]
    health: Health = ctx["health"]
    failed: dict[str, int] = ctx.setdefault("outages", {})
    outcome: Outcome | None = None
    try:
        viewer = await targets.viewer(target)
        outcome = await rebuild_read_models(
            ctx["database_url"],
            viewer,
            batch_size=batch_size,
            until=time.monotonic() + work_seconds(ctx["lease_seconds"]),
            on_progress=metrics.rebuild_progressed,
        )
    except outages() as error:
        # The database went away (a restart, a failover): the saved position is kept, and the
        # job comes back after a capped exponential wait, on this worker or another.
        failures = failed[target] = failed.get(target, 0) + 1
        defer = min(FIRST_RETRY_SECONDS * 2 ** (failures - 1), MAX_RETRY_SECONDS)
        metrics.DATABASE_FAILURES.inc()
        health.failed(one_line(error))
        log.warning(
            "rebuild of %s failed (%s); attempt %d, again in %.1f s",
            target,
            one_line(error),
            failures,
            defer,
            extra={"tenant": target, "error": one_line(error), "attempt": failures},
        )
        raise Retry(defer=defer) from None
    finally:
        metrics.rebuild_ended(target, outcome)
    failed.pop(target, None)
    health.succeeded()
    if outcome.status == "PAUSED":
        raise Retry(defer=0)
    return {"target": outcome.target, "version": outcome.version, "status": outcome.status}
