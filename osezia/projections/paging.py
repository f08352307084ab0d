"""Keyset pages over a tenant's views: stable under inserts, no OFFSET scans.

A page is ordered by (sort column, id); a row's cursor is its (sort value, id), so the next
page starts strictly after the last row's, and the previous one ends strictly before the first
row's, whatever was inserted meanwhile (Relay's `first`/`after` and `last`/`before`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast, overload

import asyncpg
import orjson

from osezia.domain.errors import InvalidValue
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema

MAX_PAGE = 100
DEFAULT_PAGE = 20

R = TypeVar("R")

RowOf = Callable[[Mapping[str, Any]], R]
"""What types one row of a read model (a feature's `XRow.from_row`)."""


@dataclass(frozen=True)
class Filter:
    sql: str  # a condition with a single "{}" where the parameter goes, e.g. "region = {}"
    value: object


@dataclass(frozen=True)
class Page(Generic[R]):
    """Typed rows in order, each with its cursor (the same index in `cursors`)."""

    rows: list[R]
    cursors: Sequence[str]
    has_next: bool
    total: int
    has_previous: bool = False

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.cursors):
            raise ValueError("a page holds one cursor per row")

    def edges(self) -> list[tuple[str, R]]:
        """(cursor, row) for each row, in order."""
        return list(zip(self.cursors, self.rows, strict=True))


class Cursors(Sequence[str]):
    """A page's cursors, each made from its row's (sort value, id) when it is read: an answer
    that selects none (or only the page's first and last) makes none (or two)."""

    def __init__(self, keys: list[tuple[object, object]]) -> None:
        self._keys = keys

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [encode_cursor(*key) for key in self._keys[index]]
        return encode_cursor(*self._keys[index])


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


def page_size(first: int | None, last: int | None) -> tuple[int, bool]:
    """How many rows a page holds, and whether it is counted back from its end (`last`):
    Relay's `first` or `last`, not both; neither is the first DEFAULT_PAGE."""
    if first is not None and last is not None:
        raise InvalidValue("give first (with after) or last (with before), not both")
    if last is not None:
        size, backward = last, True
    else:
        size, backward = DEFAULT_PAGE if first is None else first, False
    if not 1 <= size <= MAX_PAGE:
        name = "last" if backward else "first"
        raise InvalidValue(f"{name} must be between 1 and {MAX_PAGE}, got {size}")
    return size, backward


async def page(
    conn: Connection,
    tenant: str,
    view: str,
    *,
    columns: str,
    sort: str,
    sort_type: str,
    of: RowOf[R],
    filters: Sequence[Filter] = (),
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page[R]:
    """One page of `view`, ordered by (sort, id), and the total that matches the filters; each
    row typed by `of`, its cursor made from its (sort, id) as read.

    Forward, the `first` rows after the cursor `after`; backward, the `last` rows before the
    cursor `before`, in the same order. Whether rows lie on the other side (before `after`,
    or from `before` on) is read with the total, in the same query.
    """
    size, backward = page_size(first, last)
    count_where, params = where_clause(filters)  # $1…: the filters, which both sides share
    conditions = [count_where]

    # Each cursor decoded once: it bounds the page and, the page's own, counts the other side.
    after_key = None if after is None else decode_cursor(after)
    before_key = None if before is None else decode_cursor(before)

    def bound(key: tuple[str | None, str], operator: str) -> str:
        params.extend(key)
        a, b = len(params) - 1, len(params)
        # The cursor keeps the sort value as text: PostgreSQL casts it, whatever its type.
        return f"({sort}, id) {operator} (${a}::text::{sort_type}, ${b}::text::uuid)"

    if after_key is not None:
        conditions.append(bound(after_key, ">"))
    if before_key is not None:
        conditions.append(bound(before_key, "<"))
    where = " AND ".join(conditions)
    source = f'"{stable_schema(tenant)}".{view}'
    direction = "DESC" if backward else "ASC"
    # The rows on the other side of the page's own cursor: before `after`, from `before` on.
    beyond = "false"
    cursor = before if backward else after
    if (own := before_key if backward else after_key) is not None:
        beyond = bound(own, ">=" if backward else "<=")
    params.append(size + 1)
    try:
        # One round trip: the count beside each row of the page, or alone (its row's columns
        # null) when the page is empty.
        records = await conn.fetch(
            "SELECT counted.page_total, counted.page_beyond, rows.* FROM ("
            "SELECT count(*) AS page_total, coalesce(bool_or("
            f"{beyond}), false) AS page_beyond FROM {source} WHERE {count_where}"
            f") counted LEFT JOIN LATERAL (SELECT {columns} FROM {source} WHERE {where} "
            f"ORDER BY {sort} {direction}, id {direction} LIMIT ${len(params)}"
            ") rows ON true",
            *params,
        )
    except asyncpg.DataError:
        if after is None and before is None:
            raise
        # A cursor made up by hand: its sort value or id is not of the column's type.
        raise InvalidValue(
            f"cursor {cursor or after or before!r} is not one this API returned"
        ) from None
    total, other_side = int(records[0]["page_total"]), bool(records[0]["page_beyond"])
    if records[0]["id"] is None:
        records = []
    more = len(records) > size
    records = records[:size]
    if backward:
        records.reverse()
    return Page(
        # The records as they are: an asyncpg Record reads by column name as a mapping does
        # (a dict of each cost a page of 50 companies 24 µs).
        rows=[of(cast(Mapping[str, Any], record)) for record in records],
        cursors=Cursors([(record[sort], record["id"]) for record in records]),
        has_next=other_side if backward else more,
        has_previous=more if backward else other_side,
        total=total,
    )
