"""Helpers the projection tests share: build and catch up every target, read its rows."""

from __future__ import annotations

from typing import Any

from osezia.projections.connections import connect
from osezia.projections.names import stable_schema
from osezia.projections.rebuild import rebuild
from osezia.projections.registry import READ_MODELS
from osezia.projections.runner import catch_up
from osezia.tenants.application import Tenants
from osezia.tenants.model import TenantStatus
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import PLATFORM_VIEWER, Viewer

TABLES = tuple(model.table.name for model in READ_MODELS)


def viewers_of(tenants: Tenants) -> list[Viewer]:
    return [PLATFORM_VIEWER] + [
        Viewer(t.slug, Profile.from_data(t.profile))
        for t in tenants.list_tenants()
        if t.status is not TenantStatus.OFFBOARDED
    ]


async def build_all(database_url: str, viewers: list[Viewer]) -> None:
    for viewer in viewers:  # the platform's first: tenants' figures read it
        await rebuild(database_url, viewer)


async def catch_up_all(database_url: str, viewers: list[Viewer], batch_size: int = 5000) -> None:
    conn = await connect(database_url)
    try:
        for viewer in viewers:
            await catch_up(conn, viewer, batch_size)
    finally:
        await conn.close()


async def snapshot(database_url: str, target: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every read model the target's stable schema serves, in id order."""
    conn = await connect(database_url)
    try:
        schema = stable_schema(target)
        return {
            table: [
                dict(r) for r in await conn.fetch(f'SELECT * FROM "{schema}".{table} ORDER BY id')
            ]
            for table in TABLES
        }
    finally:
        await conn.close()
