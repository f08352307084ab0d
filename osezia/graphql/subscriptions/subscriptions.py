"""Subscriptions: changes in the caller's read models, pushed when the projector commits them."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any, TypeVar

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.diagnostics.types import Diagnostic, diagnostic_node
from osezia.graphql.events.types import Event, event_node
from osezia.graphql.partnerships.types import Partnership, partnership_node
from osezia.graphql.reading import read_models
from osezia.projections.changes import rows_since
from osezia.projections.names import stable_schema

T = TypeVar("T")


async def _changes(
    info: Info, view: str, node: Callable[[dict[str, Any]], T]
) -> AsyncGenerator[T, None]:
    tenant, hub = info.context.tenant, info.context.changes
    if hub is None:
        raise RuntimeError("this server was started without a change feed")
    # Following before the position is read: a change committed in between is not missed.
    async with hub.following(tenant) as positions:
        async with read_models(info) as conn:
            tracking = f'SELECT position FROM "{stable_schema(tenant)}".tracking'
            seen = int(await conn.fetchval(tracking))
        while True:
            position = await positions.get()
            if position <= seen:
                continue
            async with read_models(info) as conn:
                rows = await rows_since(conn, tenant, view, seen, position)
            seen = position
            for row in rows:
                yield node(row)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Each diagnostic the caller sees, whenever it changes.")
    async def diagnostic_changed(self, info: Info) -> AsyncGenerator[Diagnostic, None]:
        async for diagnostic in _changes(info, "diagnostics", diagnostic_node):
            yield diagnostic

    @strawberry.subscription(description="Each event whose registrations or meetings changed.")
    async def event_changed(self, info: Info) -> AsyncGenerator[Event, None]:
        async for event in _changes(info, "events", event_node):
            yield event

    @strawberry.subscription(description="Each partnership proposed, signed, started or ended.")
    async def partnership_changed(self, info: Info) -> AsyncGenerator[Partnership, None]:
        async for partnership in _changes(info, "partnerships", partnership_node):
            yield partnership
