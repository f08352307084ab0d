"""`node(id:)`: any record by its id, if the caller's network sees it.

Each feature's types module registers the read models whose rows are nodes
(`register_node("ambassadors", Ambassador.of)`), so this module imports no feature: the
schema module imports every feature, and so every registration happens before a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import strawberry

from osezia.domain.errors import DomainError
from osezia.graphql.commands import uuid_of
from osezia.graphql.context import Info
from osezia.graphql.reading import read_models
from osezia.projections.names import stable_schema


@strawberry.interface(description="A record with an id that `node(id:)` finds again.")
class Node:
    id: strawberry.ID


NodeOf = Callable[[dict[str, Any]], Node]
"""What builds a node from one row of its read model."""

_VIEWS: dict[str, NodeOf] = {}


def register_node(view: str, of: NodeOf) -> None:
    """`node(id:)` looks for ids in the read model `view` and builds its rows with `of`.

    A view is registered once: a second, different builder for it is a mistake.
    """
    if not view.isidentifier():
        raise ValueError(f"not a read model's name: {view!r}")
    registered = _VIEWS.get(view)
    if registered is not None and registered != of:
        raise ValueError(f"read model {view!r} already registered as a node")
    _VIEWS[view] = of


def node_views() -> Mapping[str, NodeOf]:
    """The read models `node(id:)` looks in, with what builds each one's rows (read only)."""
    return MappingProxyType(_VIEWS)


async def find_node(info: Info, node_id: strawberry.ID) -> Node | None:
    views = node_views()
    if not views:
        return None
    try:
        wanted = uuid_of(node_id, "record")
    except DomainError:
        return None
    schema = stable_schema(info.context.tenant)
    # One round trip finds which view holds the id (ids are uuids: at most one does), a second
    # reads its row; not one query per view.
    which = " UNION ALL ".join(
        f"SELECT '{view}' AS view WHERE EXISTS (SELECT 1 FROM \"{schema}\".{view} WHERE id = $1)"
        for view in views
    )
    async with read_models(info) as conn:
        view = await conn.fetchval(f"{which} LIMIT 1", wanted)
        if view is None:
            # Another network's id is "not found", exactly like an id that does not exist.
            return None
        row = await conn.fetchrow(f'SELECT * FROM "{schema}".{view} WHERE id = $1', wanted)
    if row is None:
        return None  # gone between the two reads (a referral revoked, a rebuild swapped)
    return views[view](dict(row))
