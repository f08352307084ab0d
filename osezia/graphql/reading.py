"""How resolvers read: as the caller's tenant, after its last write when it asks so.

A request that waits, for its consistency token or for the log's head (figures as of a past
day), waits once however many of its fields read, and holds no pooled connection meanwhile: it
wakes on the process's change feed and reads the position the read models reached with a
connection borrowed for that one statement. A token beyond the log's head is refused at once.
No field waits long for a connection either: with none free in time, it answers
TEMPORARILY_UNAVAILABLE, which the client retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import date, datetime, timedelta
from typing import TypeVar

import asyncpg
import strawberry

from osezia.domain.errors import DomainError, Forbidden, InvalidValue, NotFound
from osezia.graphql.context import Context, Info
from osezia.graphql.errors_extension import TemporarilyUnavailable
from osezia.projections.access import NoReadModels, NotYetConsistent, as_tenant
from osezia.projections.asof import check_as_of, end_of, today
from osezia.projections.changes import ChangeHub, head_and_reached
from osezia.projections.connections import Connection as Db
from osezia.tenants.model import check_slug

T = TypeVar("T")

# The header a query sends the consistency token a mutation returned in.
CONSISTENCY_HEADER = "x-consistency-token"
WAIT_SECONDS = 5.0  # how long a request waits for the read models to reach its position
ACQUIRE_SECONDS = 2.0  # how long a field waits for a pooled connection
# How often the position is read again: with a change feed only in case a notification was
# lost with its connection; without one (a bare Context in tests), it is all there is.
RECHECK_SECONDS = 0.5
POLL_SECONDS = 0.05

# The `asOf` argument of every figure query, described once.
AS_OF = strawberry.argument(
    description="A day: the figures as recorded by the end of that day in France (Paris "
    "time), computed from history, so the same day always gives the same answer. Today when "
    "omitted; a day not over yet (after today) is refused with INVALID_DATE."
)

# The `asOf` argument of every list, described once.
LIST_AS_OF = strawberry.argument(
    description="A day: the records as recorded by the end of that day in France (Paris "
    "time), consistently with the figures as of that day: records and milestones recorded "
    "later are left out, and a milestone filter counts a milestone only if it was recorded by "
    "then. The records as they stand when omitted; a day after today is refused with "
    "INVALID_DATE."
)


def cutoff_of(as_of: date | None) -> datetime | None:
    """The end of ``as_of`` in France, before which a record or a milestone must have been
    recorded to be listed as of that day; None when no day is given. A day not over yet is
    refused, as figures refuse it."""
    if as_of is None:
        return None
    check_as_of(as_of)
    return end_of(as_of)


@asynccontextmanager
async def read_models(info: Info, *, caught_up: bool = False) -> AsyncIterator[Db]:
    """A read-only transaction as the caller's tenant; with a consistency token, it starts once
    the tenant's read models have caught up with the write that returned it. With `caught_up`,
    once they have caught up with the whole log as it stands: a figure as of a past day then
    includes everything recorded by that day, and never changes afterwards."""
    context = info.context
    if "read" not in context.scopes:
        raise Forbidden("reading needs the read scope")
    token = _position(context)
    if token is not None:
        await _reached(context, token)
    if caught_up:
        await _reached(context, None)
    try:
        async with AsyncExitStack() as stack:
            try:
                async with asyncio.timeout(ACQUIRE_SECONDS):
                    reading = as_tenant(context.pool, context.tenant)
                    conn = await stack.enter_async_context(reading)
            except TimeoutError:
                raise _busy() from None
            yield conn
    except NoReadModels:  # raised by as_tenant only: a resolver's own NotFound goes through
        raise read_models_building(context.tenant) from None


def read_until(info: Info, cutoff: datetime | None) -> AbstractAsyncContextManager[Db]:
    """Read records as recorded before a cutoff (as they stand when None): a cutoff in the past
    waits for the read models to hold the whole log, as figures as of a past day do, so that
    the same day always lists the same records."""
    past = cutoff is not None and cutoff <= end_of(today() - timedelta(days=1))
    return read_models(info, caught_up=past)


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


async def _reached(context: Context, position: int | None) -> None:
    """Wait until the tenant's read models have applied the log up to `position` (the log's
    head as it stands when None): once per request, however many fields ask."""
    # Kept with the request's DataLoaders: each request waits for itself.
    waits: dict[int | None, asyncio.Task[None]] = context.loaders.setdefault("reached", {})
    if position not in waits:
        waits[position] = asyncio.create_task(_wait(context, position))
        waits[position].add_done_callback(lambda wait: _settled(waits, position, wait))
    # Shielded: a field given up on must not cancel the wait its siblings share.
    await asyncio.shield(waits[position])


def _settled(
    waits: dict[int | None, asyncio.Task[None]], position: int | None, wait: asyncio.Task[None]
) -> None:
    # A position once reached stays reached, but the log's head moves on, and a websocket's
    # context outlives its operations: a wait for the head, or one that failed, is forgotten
    # when it ends, so that whatever reads next asks again.
    if position is None or wait.cancelled() or wait.exception() is not None:
        waits.pop(position, None)


async def _wait(context: Context, position: int | None) -> None:
    await wait_until_reached(context.pool, context.changes, context.tenant, position)


async def wait_until_reached(
    pool: asyncpg.Pool, changes: ChangeHub | None, tenant: str, position: int | None
) -> None:
    """Wait until the tenant's read models have applied the log up to ``position`` (the log's
    head as it stands when None), holding no pooled connection; a position beyond the head is
    INVALID_VALUE at once."""
    async with AsyncExitStack() as stack:
        feed: asyncio.Queue[int] | None = None
        if changes is not None:
            feed = await stack.enter_async_context(changes.following(tenant))
        head, reached = await _head_and_reached(pool, tenant)
        if position is None:
            position = head
        elif position > head:
            raise InvalidValue(
                f"consistency token {str(position)!r} is beyond the end of the log (position "
                f"{head}): it is not one a mutation returned"
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_SECONDS
        while reached < position:
            left = deadline - loop.time()
            if left <= 0:
                raise NotYetConsistent(
                    f"the read models are at position {reached}, not yet at {position} (your "
                    "write, or the log's end for figures as of a past day): retry in a moment"
                )
            notified = await _next(feed, min(left, RECHECK_SECONDS if feed else POLL_SECONDS))
            if notified is None:
                notified = (await _head_and_reached(pool, tenant))[1]
            reached = max(reached, notified)


async def _next(feed: asyncio.Queue[int] | None, seconds: float) -> int | None:
    """The next position the change feed gives within `seconds`, or None."""
    if feed is None:
        await asyncio.sleep(seconds)
        return None
    try:
        async with asyncio.timeout(seconds):
            return await feed.get()
    except TimeoutError:
        return None


async def _head_and_reached(pool: asyncpg.Pool, tenant: str) -> tuple[int, int]:
    try:
        check_slug(tenant)  # the slug becomes an identifier
        conn = await pool.acquire(timeout=ACQUIRE_SECONDS)
    except DomainError:
        raise NotFound(f"no tenant {tenant!r}") from None
    except TimeoutError:
        raise _busy() from None
    try:
        return await head_and_reached(conn, tenant)
    except asyncpg.UndefinedTableError:
        raise read_models_building(tenant) from None
    finally:
        await pool.release(conn)


class ReadModelsBuilding(TemporarilyUnavailable):
    """The tenant's first read models are still being built (just onboarded, or its projector
    not running): its reads answer this until they are live; other tenants are served."""

    code = "READ_MODELS_BUILDING"


def read_models_building(tenant: str) -> ReadModelsBuilding:
    """What a read of a tenant whose first read models are still being built answers."""
    return ReadModelsBuilding(
        f"the read models of tenant {tenant!r} are being built: retry once they are live"
    )


def _busy() -> TemporarilyUnavailable:
    return TemporarilyUnavailable("every connection to the read models is busy: retry in a moment")
