"""Relay-style connections over keyset pages: `first`/`after` forward, `last`/`before` back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from osezia.projections.paging import Page

T = TypeVar("T")
R = TypeVar("R")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = strawberry.field(
        default=False,
        description=(
            "Rows lie before this page: paging back (`last`/`before`), more of them; paging "
            "forward from `after`, the rows up to that cursor."
        ),
    )
    start_cursor: str | None = strawberry.field(
        default=None, description="The first edge's cursor."
    )


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def connection(page: Page[R], node: Callable[[R], T]) -> Connection[T]:
    """The page's typed rows as edges, each presented by `node` (a type's `of`)."""
    edges = [Edge(cursor=cursor, node=node(row)) for cursor, row in page.edges()]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
        ),
        total_count=page.total,
    )
