"""Subscriptions: changes in the caller's read models, pushed when the projector commits them."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import TypeVar

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.diagnostics.types import Diagnostic
from osezia.graphql.events.types import Event
from osezia.graphql.partnerships.types import Partnership
from osezia.graphql.reading import read_models
from osezia.projections.changes import rows_since
from osezia.projections.diagnostics_rows import DiagnosticRow
from osezia.projections.engine import read_position
from osezia.projections.events import EventRow
from osezia.projections.names import stable_schema
from osezia.projections.paging import RowOf
from osezia.projections.partnerships import PartnershipRow

R = TypeVar("R")
T = TypeVar("T")


async def _changes(
    info: Info, view: str, read: RowOf[R], node: Callable[[R], T]
) -> AsyncGenerator[T, None]:
    tenant, hub = info.context.tenant, info.context.changes
    if hub is None:
        raise RuntimeError("this server was started without a change feed")
    # Following before the position is read: a change committed in between is not missed.
    async with hub.following(tenant) as positions:
        async with read_models(info) as conn:
            seen = int(await read_position(conn, stable_schema(tenant)))
        while True:
            position = await positions.get()
            if position <= seen:
                continue
            async with read_models(info) as conn:
                rows = await rows_since(conn, tenant, view, seen, position, read)
            seen = position
            for row in rows:
                yield node(row)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Each diagnostic the caller sees, whenever it changes.")
    async def diagnostic_changed(self, info: Info) -> AsyncGenerator[Diagnostic, None]:
        async for diagnostic in _changes(
            info, "diagnostics", DiagnosticRow.from_row, Diagnostic.of
        ):
            yield diagnostic

    @strawberry.subscription(description="Each event whose registrations or meetings changed.")
    async def event_changed(self, info: Info) -> AsyncGenerator[Event, None]:
        async for event in _changes(info, "events", EventRow.from_row, Event.of):
            yield event

    @strawberry.subscription(description="Each partnership proposed, signed, started or ended.")
    async def partnership_changed(self, info: Info) -> AsyncGenerator[Partnership, None]:
        async for partnership in _changes(
            info, "partnerships", PartnershipRow.from_row, Partnership.of
        ):
            yield partnership
