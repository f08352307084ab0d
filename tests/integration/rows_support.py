"""Reading a read model as a tenant through its reader, as resolvers do, outside GraphQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from osezia.projections.access import as_tenant
from osezia.projections.connections import Connection, create_pool

T = TypeVar("T")


def read_as(database_url: str, tenant: str, reader: Callable[[Connection], Awaitable[T]]) -> T:
    """What ``reader`` returns from a read-only transaction as ``tenant``."""

    async def read() -> T:
        pool = await create_pool(database_url, max_size=1)
        try:
            async with as_tenant(pool, tenant) as conn:
                return await reader(conn)
        finally:
            await pool.close()

    return asyncio.run(read())
