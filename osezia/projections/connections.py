"""asyncpg connections as the projections and the API use them."""

from __future__ import annotations

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

from osezia.config import CONNECT_TIMEOUT, Database

# A connection of our own or one lent by a pool: query functions take either.
Connection = asyncpg.Connection | PoolConnectionProxy


def _encode_json(value: object) -> str:
    return orjson.dumps(value).decode()


async def setup_connection(conn: asyncpg.Connection) -> None:
    """jsonb columns read and write as Python lists and dicts."""
    await conn.set_type_codec(
        "jsonb", encoder=_encode_json, decoder=orjson.loads, schema="pg_catalog"
    )


async def connect(database_url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(
        Database.from_url(database_url).asyncpg_dsn(), timeout=CONNECT_TIMEOUT
    )
    await setup_connection(conn)
    return conn


async def create_pool(database_url: str, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        Database.from_url(database_url).asyncpg_dsn(),
        min_size=min_size,
        max_size=max_size,
        init=setup_connection,
        timeout=CONNECT_TIMEOUT,
    )
    assert pool is not None
    return pool
