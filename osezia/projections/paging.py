"""Keyset pages over a tenant's views: stable under inserts, no OFFSET scans.

A page is ordered by (sort column, id); its cursor is the last row's (sort value, id), so the
next page starts strictly after it, whatever was inserted meanwhile.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from osezia.domain.errors import InvalidValue
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema

MAX_PAGE = 100


@dataclass(frozen=True)
class Filter:
    sql: str  # a condition with a single "{}" where the parameter goes, e.g. "region = {}"
    value: object


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    has_next: bool
    total: int

    def cursor(self, row: dict[str, Any], sort: str) -> str:
        return encode_cursor(row[sort], row["id"])


def encode_cursor(sort_value: object, row_id: object) -> str:
    raw = orjson.dumps([str(sort_value) if sort_value is not None else None, str(row_id)])
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[str | None, str]:
    try:
        sort_value, row_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception:
        raise InvalidValue(f"cursor {cursor!r} is not one this API returned") from None
    return sort_value, str(row_id)


def where_clause(filters: Sequence[Filter]) -> tuple[str, list[object]]:
    """A WHERE clause over numbered parameters ($1, $2…) and their values, from filters."""
    params: list[object] = []
    conditions: list[str] = []
    for condition in filters:
        params.append(condition.value)
        conditions.append(condition.sql.format(f"${len(params)}"))
    return " AND ".join(conditions) or "true", params


async def page(
    conn: Connection,
    tenant: str,
    view: str,
    *,
    columns: str,
    sort: str,
    sort_type: str,
    filters: Sequence[Filter] = (),
    first: int = 20,
    after: str | None = None,
) -> Page:
    """One page of `view`, ordered by (sort, id), and the total that matches the filters."""
    if not 1 <= first <= MAX_PAGE:
        raise InvalidValue(f"first must be between 1 and {MAX_PAGE}, got {first}")
    count_where, counted = where_clause(filters)
    params = list(counted)
    conditions = [count_where]
    if after is not None:
        sort_value, row_id = decode_cursor(after)
        params.extend([sort_value, row_id])
        a, b = len(params) - 1, len(params)
        # The cursor keeps the sort value as text: PostgreSQL casts it, whatever its type.
        conditions.append(f"({sort}, id) > (${a}::text::{sort_type}, ${b}::text::uuid)")
    where = " AND ".join(conditions)
    params.append(first + 1)
    source = f'"{stable_schema(tenant)}".{view}'
    try:
        records = await conn.fetch(
            f"SELECT {columns} FROM {source} WHERE {where} "
            f"ORDER BY {sort}, id LIMIT ${len(params)}",
            *params,
        )
    except asyncpg.DataError:
        if after is None:
            raise
        # A cursor made up by hand: its sort value or id is not of the column's type.
        raise InvalidValue(f"cursor {after!r} is not one this API returned") from None
    total = await conn.fetchval(f"SELECT count(*) FROM {source} WHERE {count_where}", *counted)
    rows = [dict(r) for r in records]
    return Page(rows=rows[:first], has_next=len(rows) > first, total=int(total))
