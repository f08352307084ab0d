"""Pages whose rows PostgreSQL writes as JSON, spliced into the answer.

Completing a page of companies the plain way builds, for each row, a typed row, a GraphQL
object and each selected leaf, and that cost most of an uncached page. Here the selection set
under a list declared for it (`prebuilt_list`), as graphql-core collects it (aliases, inline
and named fragments, `@include`/`@skip`, `__typename`), is compiled into the leaves of each
node selection, by response key, which osezia.projections.json_nodes writes in SQL from the read
model's declared columns (one `json_build_object` a row). The connection around the nodes
(totalCount, edges, cursors, pageInfo) is put together in Python around those texts, which
orjson writes as they are (`orjson.Fragment`): nothing is walked field by field. A plain list
(the dashboard's figures) is its nodes' texts alone.

A field reads the column of its own name, unless the declaration's `renamed` names another, and
each leaf's GraphQL type must match its column's PostgreSQL type. What it cannot compile runs
the plain way: a field with arguments or a resolver of its own (`nafLabel`…), a leaf of a type
`_SQL_TYPES` does not list, an enum whose stored values are not its GraphQL names, another
directive than `@include`/`@skip`, an extension resolving every field, a node of more than 50
keys. At run time, a row that the plain way would not complete (a null where its type forbids
one, a value its enum lacks) writes no JSON, and the whole list runs again the plain way, which
reports it at its place.

Only answers that orjson writes take this path: the HTTP view's context asks for it
(`Context.prebuilt`). tests/integration/test_prebuilt_pages.py checks that random selection
sets and pages give the same JSON both ways, for every network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import CollectedFields, FieldDetailsList
from strawberry.types.field import StrawberryField

from osezia.projections.json_nodes import JsonColumns, Leaf, TooManyKeys, node_sql
from osezia.projections.paging import Page

PREBUILT = "osezia-prebuilt"  # the metadata key of a list field declared for this path

# What each leaf type may read: the PostgreSQL types whose JSON is the leaf's serialized value.
_SQL_TYPES: dict[str, frozenset[str]] = {
    GraphQLString.name: frozenset({"text"}),
    GraphQLID.name: frozenset({"text", "uuid"}),
    GraphQLBoolean.name: frozenset({"boolean"}),
    GraphQLInt.name: frozenset({"smallint", "integer", "bigint"}),  # checked to 32 bits
    "Date": frozenset({"date"}),  # strawberry's Date: ISO 8601, as PostgreSQL writes a date
}

# What a page's info says, by field: the cursors are the page's first and last edges'.
_PAGE_INFO = frozenset({"__typename", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"})

Collect = Callable[[GraphQLObjectType, FieldDetailsList], CollectedFields]
Entries = list[tuple[str, Any]]


class NotCompiled(Exception):
    """This selection is the plain execution's."""


# The directives graphql-core applies while collecting fields; any other changes how a field
# is delivered (@defer, @stream) and is left to graphql-core.
COLLECTING = frozenset({"include", "skip"})


def collecting_only(fields: FieldDetailsList) -> bool:
    """Whether the fields are under no other directive than @include or @skip."""
    return all(d.name.value in COLLECTING for f in fields for d in f.node.directives or ())


def attribute_read(type_: GraphQLObjectType, name: str) -> str | None:
    """The Python attribute that the field `name` of `type_` answers as it is (a strawberry
    field with no argument and no resolver of its own, read by getattr); None for another."""
    graphql_field = type_.fields.get(name)
    if graphql_field is None or graphql_field.args:
        return None
    definition = graphql_field.extensions.get("strawberry-definition")
    if (
        not isinstance(definition, StrawberryField)
        or not definition.is_basic_field
        or definition.default_resolver is not getattr
    ):
        return None
    return definition.python_name


@dataclass(frozen=True)
class PrebuiltList:
    """A list field's declaration: its nodes are rows of a read model whose `columns` are
    declared once (osezia.projections.json_nodes.json_columns), a node type's field reading the
    column of its own name, or the one `renamed` names."""

    columns: JsonColumns
    renamed: Mapping[str, str] = field(default_factory=dict)


def prebuilt_list(columns: JsonColumns, **renamed: str) -> dict[str, PrebuiltList]:
    """A list field's metadata (`strawberry.field(metadata=…)`) declaring it for this path:
    its read model's columns, and the fields that read a column of another name."""
    return {PREBUILT: PrebuiltList(columns, renamed)}


def declared(definition: object) -> PrebuiltList | None:
    """The field's declaration, if its strawberry definition carries one."""
    if not isinstance(definition, StrawberryField):
        return None
    found = definition.metadata.get(PREBUILT)
    return found if isinstance(found, PrebuiltList) else None


@dataclass(frozen=True)
class Prebuilt:
    """A resolver's answer already in the response's shape: completed as it is."""

    value: Any


@dataclass(frozen=True)
class ListPlan:
    """A plain list's selection, compiled: the SQL of its items' JSON."""

    node: str

    def answer(self, texts: Sequence[str | None]) -> Prebuilt | None:
        """The list's value; None when a row wrote no JSON (run plain)."""
        nodes = []
        for text in texts:
            if text is None:
                return None
            nodes.append(orjson.Fragment(text))
        return Prebuilt(nodes)


@dataclass(frozen=True)
class ConnectionPlan:
    """A connection's selection, compiled: the SQL of each distinct node selection, and how
    the connection's JSON is put together around the nodes' texts."""

    nodes: tuple[str, ...]
    entries: Entries

    def answer(self, found: Page[tuple[str | None, ...]]) -> Prebuilt | None:
        """The connection's value for this page; None when a row wrote no JSON (run plain)."""
        if any(text is None for row in found.rows for text in row):
            return None
        return Prebuilt(_filled(self.entries, found))


def _filled(entries: Entries, found: Page[tuple[str | None, ...]]) -> dict[str, Any]:
    value: dict[str, Any] = {}
    cursors = found.cursors  # each made when read (osezia.projections.paging.Cursors)
    for key, (kind, inner) in entries:
        if kind == "constant":
            value[key] = inner
        elif kind == "total":
            value[key] = found.total
        elif kind == "pageInfo":
            value[key] = {k: _page_info(name, inner[0], found) for k, name in inner[1]}
        else:  # edges
            value[key] = [_edge(inner, cursors, n, row) for n, row in enumerate(found.rows)]
    return value


def _page_info(name: str, type_name: str, found: Page[Any]) -> object:
    """What the page's info says for this field (`__typename`: the type's name)."""
    cursors = found.cursors
    if name == "hasNextPage":
        return found.has_next
    if name == "hasPreviousPage":
        return found.has_previous
    if name == "startCursor":
        return cursors[0] if cursors else None
    if name == "endCursor":
        return cursors[-1] if cursors else None
    return type_name


def _edge(
    inner: list[tuple[str, str, Any]], cursors: Sequence[str], n: int, row: tuple[str | None, ...]
) -> dict[str, Any]:
    """An edge's keys in order: its type's name, its cursor, or a node's JSON (its index)."""
    edge: dict[str, Any] = {}
    for key, kind, payload in inner:
        if kind == "node":
            edge[key] = orjson.Fragment(row[payload])
        else:
            edge[key] = cursors[n] if kind == "cursor" else payload
    return edge


def plan_for(
    return_type: GraphQLOutputType,
    fields: FieldDetailsList,
    declaration: PrebuiltList,
    collect: Collect,
) -> ConnectionPlan | ListPlan:
    """The plan of a declared field's selection: a connection's, or a plain list's (a
    non-null list of non-null objects); NotCompiled if any of it is not for this path."""
    if is_non_null_type(return_type) and is_list_type(get_nullable_type(return_type)):
        item = _list_of_objects(return_type)
        return ListPlan(_node_sql(item, fields, declaration, collect))
    return plan_connection(return_type, fields, declaration, collect)


def plan_connection(
    return_type: GraphQLOutputType,
    fields: FieldDetailsList,
    declaration: PrebuiltList,
    collect: Collect,
) -> ConnectionPlan:
    """The plan of a connection field's selection; NotCompiled if any of it is not for this
    path."""
    connection = _object(return_type)
    nodes: list[str] = []
    entries: Entries = []
    for key, details in _collected(collect, connection, fields):
        name = details[0].node.name.value
        if name == "__typename":
            entries.append((key, ("constant", connection.name)))
        elif name == "totalCount":
            entries.append((key, ("total", None)))
        elif name == "pageInfo":
            page_info = _object(connection.fields[name].type)
            wanted = []
            for info_key, info_details in _collected(collect, page_info, details):
                info_name = info_details[0].node.name.value
                if info_name not in _PAGE_INFO:
                    raise NotCompiled
                wanted.append((info_key, info_name))
            entries.append((key, ("pageInfo", (page_info.name, wanted))))
        elif name == "edges":
            edge_type = _list_of_objects(connection.fields[name].type)
            edge: list[tuple[str, str, Any]] = []
            for edge_key, edge_details in _collected(collect, edge_type, details):
                edge_name = edge_details[0].node.name.value
                if edge_name == "__typename":
                    edge.append((edge_key, "constant", edge_type.name))
                elif edge_name == "cursor":
                    edge.append((edge_key, "cursor", None))
                elif edge_name == "node":
                    node_type = _object(edge_type.fields[edge_name].type)
                    nodes.append(_node_sql(node_type, edge_details, declaration, collect))
                    edge.append((edge_key, "node", len(nodes) - 1))
                else:
                    raise NotCompiled
            entries.append((key, ("edges", edge)))
        else:
            raise NotCompiled
    return ConnectionPlan(tuple(nodes), entries)


def _collected(
    collect: Collect, type_: GraphQLObjectType, fields: FieldDetailsList
) -> list[tuple[str, FieldDetailsList]]:
    """The type's subfields the selection collects, by response key, in order: only under
    `@include`/`@skip`, each without arguments."""
    grouped, defers, _ = collect(type_, fields)
    if defers:
        raise NotCompiled
    for details in grouped.values():
        if not collecting_only(details) or any(d.node.arguments for d in details):
            raise NotCompiled
    return list(grouped.items())


def _object(type_: GraphQLOutputType) -> GraphQLObjectType:
    """A non-null object type's object type (a connection, its page info, an edge's node)."""
    if not is_non_null_type(type_):
        raise NotCompiled  # a nullable place could hold a null: the plain way decides
    named = get_nullable_type(type_)
    if not isinstance(named, GraphQLObjectType):
        raise NotCompiled
    return named


def _list_of_objects(type_: GraphQLOutputType) -> GraphQLObjectType:
    """A non-null list's non-null items' object type (a connection's edges)."""
    if not is_non_null_type(type_):
        raise NotCompiled
    items = get_nullable_type(type_)
    if not is_list_type(items):
        raise NotCompiled
    return _object(items.of_type)


def _node_sql(
    node_type: GraphQLObjectType,
    fields: FieldDetailsList,
    declaration: PrebuiltList,
    collect: Collect,
) -> str:
    """The node's JSON in SQL (osezia.projections.json_nodes), from its leaves."""
    leaves: list[Leaf] = []
    for key, details in _collected(collect, node_type, fields):
        name = details[0].node.name.value
        if name == "__typename":
            leaves.append(Leaf(key, constant=node_type.name))
            continue
        attribute = attribute_read(node_type, name)
        if attribute is None:
            raise NotCompiled  # an argument, or a resolver of its own
        column = declaration.renamed.get(attribute, attribute)
        if column not in declaration.columns:
            raise NotCompiled
        kind = declaration.columns[column][1]
        field_type = node_type.fields[name].type
        leaf = get_nullable_type(field_type)
        non_null = is_non_null_type(field_type)
        if isinstance(leaf, GraphQLEnumType) and kind == "text":
            allowed = _stored_values(leaf)
            leaves.append(Leaf(key, column, non_null=non_null, allowed=allowed))
        elif isinstance(leaf, GraphQLScalarType) and kind in _SQL_TYPES.get(leaf.name, ()):
            int32 = leaf.name == GraphQLInt.name
            leaves.append(Leaf(key, column, non_null=non_null, int32=int32))
        else:
            raise NotCompiled
    try:
        return node_sql(declaration.columns, leaves)
    except TooManyKeys:
        raise NotCompiled from None


def _stored_values(enum: GraphQLEnumType) -> tuple[str, ...]:
    """The enum's stored values (its members' values), which must be its GraphQL names for
    the JSON to read them as they are."""
    stored = []
    for name, definition in enum.values.items():
        value = getattr(definition.value, "value", definition.value)
        if value != name:
            raise NotCompiled
        stored.append(name)
    if not stored:
        raise NotCompiled
    return tuple(stored)
