"""arq jobs. Each receives ids, not objects, and is safe to run again."""

from __future__ import annotations

from typing import Any

from osezia.projections.rebuild import rebuild as rebuild_read_models
from osezia.projections.targets import Targets


def rebuild_job_id(target: str) -> str:
    """One id per target: enqueuing a rebuild that is already queued or running does nothing."""
    return f"rebuild:{target}"


async def rebuild(ctx: dict[str, Any], target: str, batch_size: int = 5000) -> dict[str, object]:
    """Rebuild a tenant's (or the platform's) read models from the whole history.

    Resumable: a build interrupted by a crash continues from its own tracking position.
    `batch_size` events are applied per transaction; a cancellation is seen between two.
    """
    targets: Targets = ctx["targets"]
    viewer = await targets.viewer(target)
    outcome = await rebuild_read_models(ctx["database_url"], viewer, batch_size=batch_size)
    return {"target": outcome.target, "version": outcome.version, "status": outcome.status}
