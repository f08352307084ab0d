"""Reading a tenant's read models as that tenant, and nothing else.

Each transaction takes the tenant's role with set_config('role', …, true), SET LOCAL ROLE's
equivalent, which ends with the transaction: a pooled connection never carries a tenant's
rights into the next request (a session-level SET ROLE would survive asyncpg's reset). The role
may use its own schema's views only. Given the API's pool, transactions run in its reader
role's connections: that role holds no right of its own, so SQL that resets the role reaches
neither the event log nor any table. (Being a member of every tenant role, it could still take
another's: between tenants, isolation rests on the API naming only the caller's.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

import asyncpg

from osezia.domain.errors import DomainError, NotFound
from osezia.projections.connections import ApiPool, Connection
from osezia.projections.names import tenant_role_sql
from osezia.projections.versions import live_version
from osezia.tenants.model import check_slug

STATEMENT_TIMEOUT = "5s"  # no single request may keep a connection busy longer


class NotYetConsistent(DomainError):
    code = "NOT_YET_CONSISTENT"


class NoReadModels(NotFound):
    """The tenant has no live read models yet: no role (its first build has not begun), or a
    role but no live version, so no view (a first build under way, or a database restored from
    before it: roles belong to the server, not to the database)."""


@asynccontextmanager
async def as_tenant(pool: asyncpg.Pool, tenant: str) -> AsyncIterator[Connection]:
    """A read-only transaction as the tenant, or NoReadModels. (Waiting for a consistency
    token, which must hold no connection, is osezia.graphql.reading's.)"""
    try:
        check_slug(tenant)  # the slug becomes an identifier below
    except DomainError:
        raise NotFound(f"no tenant {tenant!r}") from None
    readers, turns = (
        (pool.readers, pool.turns) if isinstance(pool, ApiPool) else (pool, nullcontext())
    )
    missing: asyncpg.PostgresError | None = None
    async with turns, readers.acquire() as conn:
        try:
            # One round trip opens the transaction and sets it up (no parameters: the simple
            # query protocol), where asyncpg's transaction() would take two. No JIT: the
            # planner guesses 100 elements per jsonb array, and compiling a figure query it
            # thinks is large took a second where reading its rows takes milliseconds.
            await conn.execute(
                f"BEGIN READ ONLY; SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'; "
                f"SET LOCAL jit = off; SELECT set_config('role', {tenant_role_sql(tenant)}, true)"
            )
        except (asyncpg.UndefinedObjectError, asyncpg.InvalidParameterValueError):  # no such role
            await conn.execute("ROLLBACK")
            raise _no_read_models(tenant) from None
        try:
            yield conn
        except asyncio.CancelledError:
            raise  # the pool's release waits for the cancelled statement, then rolls back
        except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError) as error:
            await _roll_back(conn)
            missing = error  # whether a version is live is asked once this connection is back
        except BaseException:
            await _roll_back(conn)  # else the pool's release rolls back, or drops it
            raise
        else:
            await conn.execute("COMMIT")
    if missing is not None:
        # No version live: no view either. A view missing from a live version is a bug, and
        # stays one.
        if await has_live_models(pool, tenant):
            raise missing
        raise _no_read_models(tenant) from None


async def has_live_models(pool: asyncpg.Pool, tenant: str) -> bool:
    """Whether a version of the tenant's read models is live (asked as the pool's owner)."""
    async with pool.acquire() as conn:
        return await live_version(conn, tenant) is not None


def _no_read_models(tenant: str) -> NoReadModels:
    return NoReadModels(f"no read models for tenant {tenant!r}")


async def _roll_back(conn: Connection) -> None:
    with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
        await conn.execute("ROLLBACK")
