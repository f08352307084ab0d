"""How resolvers read: as the caller's tenant, after its last write when it asks so."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry

from osezia.domain.errors import Forbidden, InvalidValue
from osezia.graphql.context import Context, Info
from osezia.graphql.pagination import Connection, connection
from osezia.projections.access import as_tenant
from osezia.projections.connections import Connection as Db
from osezia.projections.log import head_position
from osezia.projections.paging import Filter, page
from osezia.projections.progress import check_as_of, end_of, today

T = TypeVar("T")

# The `asOf` argument of every figure query, described once.
AS_OF = strawberry.argument(
    description="A day: the figures as recorded by the end of that day in France (Paris "
    "time), computed from history, so the same day always gives the same answer. Today when "
    "omitted; a day not over yet (after today) is refused with INVALID_DATE."
)


@asynccontextmanager
async def read_models(info: Info, *, caught_up: bool = False) -> AsyncIterator[Db]:
    """A read-only transaction as the caller's tenant; with a consistency token, it starts once
    the tenant's read models have caught up with the write that returned it. With `caught_up`,
    once they have caught up with the whole log as it stands: a figure as of a past day then
    includes everything recorded by that day, and never changes afterwards."""
    context = info.context
    if "read" not in context.scopes:
        raise Forbidden("reading needs the read scope")
    at_least = _position(context)
    if caught_up:
        async with context.pool.acquire() as conn:
            at_least = max(at_least or 0, await head_position(conn))
    async with as_tenant(context.pool, context.tenant, at_least=at_least) as conn:
        yield conn


@asynccontextmanager
async def read_as_of(info: Info, as_of: date | None) -> AsyncIterator[tuple[Db, date, datetime]]:
    """Read figures as of the end of a day in France (today when omitted): yields the
    connection, the day and its cutoff (midnight in Paris after it), before which an event must
    have been recorded to count. A day not over yet is refused; a past one waits for the read
    models to hold the whole log, so that its answer never changes."""
    day = as_of if as_of is not None else today()
    check_as_of(day)
    async with read_models(info, caught_up=day < today()) as conn:
        yield conn, day, end_of(day)


def _position(context: Context) -> int | None:
    return position_of(context.consistency_token)


def position_of(token: str | None) -> int | None:
    """The log position a consistency token (X-Consistency-Token) names, if one was sent."""
    if token is None:
        return None
    if not token.isascii() or not token.isdigit():
        raise InvalidValue(
            f"consistency token {token!r} is not one a mutation returned (a whole number)"
        )
    return int(token)


async def paged(
    info: Info,
    view: str,
    node: Callable[[dict[str, Any]], T],
    *,
    sort: str,
    sort_type: str,
    conditions: Sequence[tuple[str, object | None]] = (),
    first: int,
    after: str | None,
) -> Connection[T]:
    """One page of a view; conditions whose value is None are left out."""
    filters = [Filter(sql, value) for sql, value in conditions if value is not None]
    async with read_models(info) as conn:
        found = await page(
            conn,
            info.context.tenant,
            view,
            columns="*",
            sort=sort,
            sort_type=sort_type,
            filters=filters,
            first=first,
            after=after,
        )
    return connection(found, sort, node)
