"""The registry of read-model versions (table read_model_versions)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from osezia.projections.connections import Connection
from osezia.projections.names import data_schema


@dataclass(frozen=True)
class Version:
    target: str
    version: int
    data_schema: str
    status: str
    started_position: int
    events_done: int
    events_total: int
    rate: float | None
    cancel_requested: bool
    created_at: datetime
    updated_at: datetime
    live_at: datetime | None

    @property
    def eta_seconds(self) -> float | None:
        if not self.rate or self.status != "BUILDING":
            return None
        return max(self.events_total - self.events_done, 0) / self.rate


_SELECT = (
    "SELECT target, version, data_schema, status, started_position, events_done, events_total, "
    "rate, cancel_requested, created_at, updated_at, live_at FROM read_model_versions"
)


def _version(record: asyncpg.Record | None) -> Version | None:
    return Version(**dict(record)) if record is not None else None


async def live_version(conn: Connection, target: str) -> Version | None:
    return _version(await conn.fetchrow(f"{_SELECT} WHERE target = $1 AND status = 'LIVE'", target))


async def building_version(conn: Connection, target: str) -> Version | None:
    return _version(
        await conn.fetchrow(f"{_SELECT} WHERE target = $1 AND status = 'BUILDING'", target)
    )


async def latest_version(conn: Connection, target: str) -> Version | None:
    return _version(
        await conn.fetchrow(f"{_SELECT} WHERE target = $1 ORDER BY version DESC LIMIT 1", target)
    )


async def live_versions(conn: Connection) -> list[Version]:
    records = await conn.fetch(f"{_SELECT} WHERE status = 'LIVE' ORDER BY target")
    return [v for r in records if (v := _version(r)) is not None]


async def register_building(
    conn: Connection, target: str, head: int, profile: dict[str, Any] | None
) -> Version:
    """Reserve the next version number for a build; one build per target at a time.

    The profile the build sees with is kept: when it changes, the target is built again."""
    number = await conn.fetchval(
        "SELECT coalesce(max(version), 0) + 1 FROM read_model_versions WHERE target = $1", target
    )
    await conn.execute(
        "INSERT INTO read_model_versions "
        "(target, version, data_schema, status, events_total, profile) "
        "VALUES ($1, $2, $3, 'BUILDING', $4, $5::jsonb)",
        target,
        number,
        data_schema(target, number),
        head,
        profile,
    )
    version = _version(
        await conn.fetchrow(f"{_SELECT} WHERE target = $1 AND version = $2", target, number)
    )
    assert version is not None
    return version


async def built_with(conn: Connection, target: str) -> dict[str, Any] | None:
    """The profile the target's live version was built with."""
    profile: dict[str, Any] | None = await conn.fetchval(
        "SELECT profile FROM read_model_versions WHERE target = $1 AND status = 'LIVE'", target
    )
    return profile


async def record_progress(
    conn: Connection, version: Version, done: int, total: int, rate: float | None
) -> None:
    await conn.execute(
        "UPDATE read_model_versions SET events_done = $3, events_total = $4, rate = $5, "
        "updated_at = now() WHERE target = $1 AND version = $2",
        version.target,
        version.version,
        done,
        total,
        rate,
    )


async def request_cancel(conn: Connection, target: str) -> bool:
    """Ask the running build of a target to stop; False when none is running."""
    status = await conn.execute(
        "UPDATE read_model_versions SET cancel_requested = true, updated_at = now() "
        "WHERE target = $1 AND status = 'BUILDING'",
        target,
    )
    return status.endswith(" 1")


def lock_key(target: str) -> int:
    """The advisory lock that serialises writers of a target's live model and its swap."""
    digest = hashlib.blake2b(f"osezia-read-model/{target}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
