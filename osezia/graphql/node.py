"""`node(id:)`: any record by its id, if the caller's network sees it.

Each feature's types module registers the read models whose rows are nodes, with what types a
row and what presents it (`register_node("ambassadors", AmbassadorRow.from_row,
Ambassador.of)`), so this module imports no feature: the schema module imports every feature,
and so every registration happens before a request. The SQL that finds a record by its id lives
with the read models (`osezia.projections.records`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import strawberry

from osezia.domain.errors import DomainError
from osezia.graphql.commands import uuid_of
from osezia.graphql.context import Info
from osezia.graphql.reading import read_models
from osezia.projections.paging import RowOf
from osezia.projections.records import record_by_id

R = TypeVar("R")


@strawberry.interface(description="A record with an id that `node(id:)` finds again.")
class Node:
    id: strawberry.ID


@dataclass(frozen=True)
class NodeOf(Generic[R]):
    """What types one row of a read model (`read`) and presents it as a node (`of`)."""

    read: RowOf[R]
    of: Callable[[R], Node]


_VIEWS: dict[str, NodeOf[Any]] = {}


def register_node(view: str, read: RowOf[R], of: Callable[[R], Node]) -> None:
    """`node(id:)` looks for ids in the read model `view`, types its rows with `read` and
    presents them with `of`.

    A view is registered once: a second, different pair for it is a mistake.
    """
    if not view.isidentifier():
        raise ValueError(f"not a read model's name: {view!r}")
    entry = NodeOf(read, of)
    registered = _VIEWS.get(view)
    if registered is not None and registered != entry:
        raise ValueError(f"read model {view!r} already registered as a node")
    _VIEWS[view] = entry


def node_views() -> Mapping[str, NodeOf[Any]]:
    """The read models `node(id:)` looks in, with what types and presents each one's rows (read
    only)."""
    return MappingProxyType(_VIEWS)


async def find_node(info: Info, node_id: strawberry.ID) -> Node | None:
    views = node_views()
    if not views:
        return None
    try:
        wanted = uuid_of(node_id, "record")
    except DomainError:
        return None
    readers = {view: entry.read for view, entry in views.items()}
    async with read_models(info) as conn:
        found = await record_by_id(conn, info.context.tenant, readers, wanted)
    if found is None:
        return None
    view, row = found
    return views[view].of(row)
