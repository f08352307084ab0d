"""arq jobs. Each receives ids, not objects, and is safe to run again."""

from __future__ import annotations

import time
from typing import Any

from arq import Retry

from osezia.projections.rebuild import rebuild as rebuild_read_models
from osezia.projections.targets import Targets

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
    viewer = await targets.viewer(target)
    outcome = await rebuild_read_models(
        ctx["database_url"],
        viewer,
        batch_size=batch_size,
        until=time.monotonic() + work_seconds(ctx["lease_seconds"]),
    )
    if outcome.status == "PAUSED":
        raise Retry(defer=0)
    return {"target": outcome.target, "version": outcome.version, "status": outcome.status}
