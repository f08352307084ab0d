"""Rows written as JSON by PostgreSQL: the one module where that SQL is made.

A list the API serves often may have its rows written by PostgreSQL as the JSON its answer
holds (osezia.graphql.prebuilt compiles a selection set into the `Leaf`s of each node, by
response key). The SQL is made here from the read model's single declaration: its columns and
their types (`json_columns`, from a `Table`'s or a view's), a computed one given as an
expression. Each row's JSON is null where the API's plain completion would refuse the row (a
null where its type forbids one, a value its enum lacks, a count beyond 32 bits): the caller
then reads the list the plain way, which reports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

MAX_KEYS = 50  # json_build_object takes at most 100 arguments: 50 keys and their values
_INT_RANGE = f"{-(2**31)} AND {2**31 - 1}"

# A read model's columns for JSON: name -> (SQL expression, PostgreSQL type).
JsonColumns = Mapping[str, tuple[str, str]]


def json_columns(
    columns: Iterable[tuple[str, str]], **computed: tuple[str, str]
) -> dict[str, tuple[str, str]]:
    """A read model's columns (name, type: a `Table`'s), and those computed from them (name:
    (expression, type))."""
    return {name: (name, kind) for name, kind in columns} | computed


@dataclass(frozen=True)
class Leaf:
    """One key of a node's JSON: a column's value, or a constant (a type's name)."""

    key: str  # the response key: a GraphQL name or alias
    column: str | None = None
    constant: str | None = None
    non_null: bool = False
    allowed: tuple[str, ...] | None = None  # an enum's stored values
    int32: bool = False  # the value fills GraphQL's Int


class TooManyKeys(ValueError):
    """More keys than json_build_object takes."""


def node_sql(columns: JsonColumns, leaves: Sequence[Leaf]) -> str:
    """A row's JSON, as text: the leaves' keys in order; null where a value breaks its leaf's
    rule."""
    if len(leaves) > MAX_KEYS:
        raise TooManyKeys(f"{len(leaves)} keys, json_build_object takes {MAX_KEYS}")
    pairs: list[str] = []
    checks: list[str] = []
    for leaf in leaves:
        if leaf.column is None:
            pairs.append(f"{_literal(leaf.key)}, {_literal(leaf.constant or '')}")
            continue
        expression, kind = columns[leaf.column]
        value = f"({expression})"
        if leaf.non_null:
            checks.append(f"{value} IS NOT NULL")
        if leaf.allowed is not None:
            allowed = ", ".join(_literal(v) for v in leaf.allowed)
            checks.append(f"({value} IS NULL OR {value} IN ({allowed}))")
        if leaf.int32 and kind == "bigint":
            checks.append(f"({value} IS NULL OR {value} BETWEEN {_INT_RANGE})")
        pairs.append(f"{_literal(leaf.key)}, {value}")
    built = f"json_build_object({', '.join(pairs)})::text"
    return f"CASE WHEN {' AND '.join(checks)} THEN {built} END" if checks else built


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def node_columns(
    nodes: Sequence[str],
) -> tuple[list[str], Callable[[Mapping[str, Any]], tuple[Any, ...]]]:
    """A page's select list for these node expressions (to follow the sort column and the id,
    which cursors read), and what reads a row's nodes back."""
    names = [f"json_node_{n}" for n in range(len(nodes))]
    columns = [f"{sql} AS {name}" for sql, name in zip(nodes, names, strict=True)]
    if len(names) < 2:  # itemgetter needs a name, and gives one name's value alone
        return columns, lambda row: tuple(row[name] for name in names)
    return columns, itemgetter(*names)  # a page's 50 rows in 4 µs, where a loop took 16
