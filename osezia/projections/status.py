"""How far behind a target's read models are, and how its rebuild is going."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

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


# A swap drops the data schema it replaces: each swap can retire, at most, the version just
# read, so a reader overtaken by several swaps in a row reads again a few times at most.
_READS_DURING_SWAPS = 5


async def projection_status(conn: Connection, target: str) -> ProjectionStatus:
    """Read with the service's connection: the log is not readable by a tenant's role."""
    live, position = await _live_position(conn, target)
    head = await head_position(conn)
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


async def _live_position(conn: Connection, target: str) -> tuple[Version | None, int]:
    """The live version and its position. A swap may commit between reading the version and
    its tracking, dropping that version's schema: the version is then read again, now the
    one swapped in (its own schema exists as long as it is live)."""
    for _ in range(_READS_DURING_SWAPS - 1):
        with contextlib.suppress(asyncpg.UndefinedTableError):
            return await _read_live_position(conn, target)
    return await _read_live_position(conn, target)


async def _read_live_position(conn: Connection, target: str) -> tuple[Version | None, int]:
    live = await live_version(conn, target)
    return live, await read_position(conn, live.data_schema) if live else 0
