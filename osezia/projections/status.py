"""How far behind a target's read models are, and how its rebuild is going."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from osezia.projections.connections import Connection
from osezia.projections.engine import read_position
from osezia.projections.log import head_position, read_events
from osezia.projections.versions import Version, building_version, live_version


@dataclass(frozen=True)
class ProjectionStatus:
    target: str
    version: int | None
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    rebuild: Version | None


async def projection_status(conn: Connection, target: str) -> ProjectionStatus:
    """Read with the service's connection: the log is not readable by a tenant's role."""
    live = await live_version(conn, target)
    head = await head_position(conn)
    position = await read_position(conn, live.data_schema) if live else 0
    lag_seconds = 0.0
    if position < head:
        # The oldest event not yet applied says how stale the model is.
        oldest = await read_events(conn, position, 1)
        if oldest:
            lag_seconds = (datetime.now(UTC) - oldest[0].timestamp).total_seconds()
    return ProjectionStatus(
        target=target,
        version=live.version if live else None,
        position=position,
        head=head,
        lag_events=head - position,
        lag_seconds=max(lag_seconds, 0.0),
        rebuild=await building_version(conn, target),
    )
