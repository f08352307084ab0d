"""Reading a tenant's read models as that tenant, and nothing else.

Each transaction takes the tenant's role with SET LOCAL ROLE, which ends with the transaction:
a pooled connection never carries a tenant's rights into the next request (a session-level
SET ROLE would survive asyncpg's reset). The role may use its own schema's views only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from osezia.domain.errors import NotFound
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema, tenant_role
from osezia.tenants.model import check_slug


@asynccontextmanager
async def as_tenant(pool: asyncpg.Pool, tenant: str) -> AsyncIterator[Connection]:
    try:
        check_slug(tenant)  # the slug becomes an identifier below
    except Exception:
        raise NotFound(f"no tenant {tenant!r}") from None
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(f'SET LOCAL ROLE "{tenant_role(tenant)}"')
        yield conn


def schema_of(tenant: str) -> str:
    return stable_schema(tenant)
