"""A record by its id, in whichever of a tenant's read models holds it (what `node(id:)` reads).

Ids are uuids, so at most one read model holds a given one; the caller names the read models
to look in and, for each, what types its rows (a feature's `XRow.from_row`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import RowOf


async def record_by_id(
    conn: Connection, tenant: str, readers: Mapping[str, RowOf[Any]], record_id: UUID
) -> tuple[str, Any] | None:
    """The read model that holds `record_id` among `readers`, with its row typed by that read
    model's reader; None if the tenant sees no such record. Views are only the names given, each
    an identifier (checked here: they go into the SQL)."""
    if not readers:
        return None
    for view in readers:
        if not view.isidentifier():
            raise ValueError(f"not a read model's name: {view!r}")
    schema = stable_schema(tenant)
    # One round trip finds which view holds the id, a second reads its row; not one query per
    # view.
    which = " UNION ALL ".join(
        f"SELECT '{view}' AS view WHERE EXISTS (SELECT 1 FROM \"{schema}\".{view} WHERE id = $1)"
        for view in readers
    )
    view = await conn.fetchval(f"{which} LIMIT 1", record_id)
    if view is None:
        # Another network's id is "not found", exactly like an id that does not exist.
        return None
    row = await conn.fetchrow(f'SELECT * FROM "{schema}".{view} WHERE id = $1', record_id)
    if row is None:
        return None  # gone between the two reads (a referral revoked, a rebuild swapped)
    return view, readers[view](dict(row))
