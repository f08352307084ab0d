"""asyncpg connections as the projections and the API use them."""

from __future__ import annotations

import asyncio

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

from osezia.store.settings import CONNECT_TIMEOUT, Database, application_name

# A connection of our own or one lent by a pool: query functions take either.
Connection = asyncpg.Connection | PoolConnectionProxy


def _encode_json(value: object) -> str:
    return orjson.dumps(value).decode()


async def setup_connection(conn: asyncpg.Connection) -> None:
    """jsonb columns read and write as Python lists and dicts."""
    await conn.set_type_codec(
        "jsonb", encoder=_encode_json, decoder=orjson.loads, schema="pg_catalog"
    )


def _named() -> dict[str, str]:
    """pg_stat_activity tells which process holds a connection: osezia-serve, -project…"""
    return {"application_name": application_name()}


async def connect(database_url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(
        Database.from_url(database_url).asyncpg_dsn(),
        timeout=CONNECT_TIMEOUT,
        server_settings=_named(),
    )
    await setup_connection(conn)
    return conn


async def _transactions_only(conn: asyncpg.Connection) -> None:
    """A released reader's reset: nothing, beyond asyncpg's rollback of a transaction left
    open. Tenants' reads set what they set for their transaction only (SET LOCAL,
    set_config(…, true)), which ends with it; the default reset (RESET ALL, UNLISTEN *, CLOSE
    ALL…) would cost every read one more round trip for nothing."""


async def create_pool(
    database_url: str, min_size: int = 1, max_size: int = 10, *, readers: bool = False
) -> asyncpg.Pool:
    """A pool; with `readers`, one whose connections only ever run tenants' transactions."""
    pool = await asyncpg.create_pool(
        Database.from_url(database_url).asyncpg_dsn(),
        min_size=min_size,
        max_size=max_size,
        init=setup_connection,
        reset=_transactions_only if readers else None,
        timeout=CONNECT_TIMEOUT,
        server_settings=_named(),
    )
    assert pool is not None
    return pool


class ApiPool(asyncpg.Pool):
    """The API's pool, logged in as the owner, for what is no tenant's to read (the log's head,
    read-model versions, signing keys); `readers` is the reader role's pool, which as_tenant
    reads through, so that a tenant's transaction that drops its role is left with no rights.

    `turns` gives tenants' reads the readers' connections in the order they asked for them.
    asyncpg's pool does not: a connection given back goes to whoever asks next, and a read
    that was waiting, woken too late, waits again at the back of the line, so that under more
    requests at once than connections one read in a hundred waited four times the median."""

    readers: asyncpg.Pool
    turns: asyncio.Semaphore

    async def close(self) -> None:
        await super().close()
        await self.readers.close()


async def create_api_pool(
    owner_url: str, readers_url: str, read_connections: int = 10, max_size: int = 10
) -> ApiPool:
    """The API's pools: at most `read_connections` for tenants' reads, `max_size` as owner."""
    readers = await create_pool(readers_url, max_size=read_connections, readers=True)
    pool = ApiPool(
        Database.from_url(owner_url).asyncpg_dsn(),
        min_size=1,
        max_size=max_size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        init=setup_connection,
        loop=None,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        timeout=CONNECT_TIMEOUT,
        server_settings=_named(),
    )
    pool.readers = readers
    pool.turns = asyncio.Semaphore(read_connections)  # FIFO: no one passes a waiting read
    try:
        await pool
    except BaseException:
        await readers.close()
        raise
    return pool
