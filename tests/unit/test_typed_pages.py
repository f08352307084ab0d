"""A page holds typed rows, each with its cursor, and a connection presents them as they are:
edges in the page's order, each with its row's cursor, the page's flags and total."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.graphql.pagination import connection
from osezia.projections.paging import Cursors, Page, decode_cursor, encode_cursor


@dataclass(frozen=True)
class Row:
    id: str
    name: str


@dataclass(frozen=True)
class Shown:
    name: str

    @classmethod
    def of(cls, row: Row) -> Shown:
        return cls(name=row.name.upper())


rows = st.lists(st.builds(Row, id=st.uuids().map(str), name=st.text(max_size=5)), max_size=10)


@given(rows=rows, has_next=st.booleans(), has_previous=st.booleans(), extra=st.integers(0, 50))
def test_a_connection_presents_each_row_with_its_cursor_in_order(
    rows: list[Row], has_next: bool, has_previous: bool, extra: int
) -> None:
    cursors = [encode_cursor(row.name, row.id) for row in rows]
    page = Page(
        rows=rows,
        cursors=cursors,
        has_next=has_next,
        total=len(rows) + extra,
        has_previous=has_previous,
    )

    found = connection(page, Shown.of)

    assert [(edge.cursor, edge.node) for edge in found.edges] == [
        (cursor, Shown.of(row)) for cursor, row in zip(cursors, rows, strict=True)
    ]
    assert [decode_cursor(edge.cursor) for edge in found.edges] == [
        (row.name, row.id) for row in rows
    ]
    info = found.page_info
    assert (info.has_next_page, info.has_previous_page) == (has_next, has_previous)
    assert info.start_cursor == (cursors[0] if cursors else None)
    assert info.end_cursor == (cursors[-1] if cursors else None)
    assert found.total_count == len(rows) + extra


@given(rows=rows.filter(bool))
def test_a_page_with_a_cursor_missing_is_refused(rows: list[Row]) -> None:
    cursors = [encode_cursor(row.name, row.id) for row in rows]
    with pytest.raises(ValueError, match="one cursor per row"):
        Page(rows=rows, cursors=cursors[1:], has_next=False, total=len(rows))
    with pytest.raises(ValueError, match="one cursor per row"):
        Page(rows=rows[1:], cursors=cursors, has_next=False, total=len(rows))


@given(st.lists(st.tuples(st.text(max_size=12), st.uuids()), max_size=8))
def test_cursors_made_when_read_are_those_made_at_once(keys: list[tuple[str, object]]) -> None:
    cursors = Cursors(list(keys))
    made = [encode_cursor(sort, row_id) for sort, row_id in keys]
    assert len(cursors) == len(made)
    assert list(cursors) == made
    assert cursors[1:3] == made[1:3]
    if made:
        assert (cursors[0], cursors[-1]) == (made[0], made[-1])
        assert decode_cursor(cursors[-1]) == (keys[-1][0], str(keys[-1][1]))
