"""A node's JSON in SQL (osezia.projections.json_nodes): at most the keys json_build_object
takes; the rules a value must keep are checked where the leaf asks for them."""

from __future__ import annotations

import pytest

from osezia.projections.json_nodes import MAX_KEYS, Leaf, TooManyKeys, json_columns, node_sql

COLUMNS = json_columns(
    (("siren", "text"), ("companies", "bigint"), ("stage", "text")),
    shared=("shared_via <> '[]'::jsonb", "boolean"),
)


def test_more_keys_than_json_build_object_takes_are_refused() -> None:
    assert node_sql(COLUMNS, [Leaf(f"k{n}", "siren") for n in range(MAX_KEYS)])
    with pytest.raises(TooManyKeys):
        node_sql(COLUMNS, [Leaf(f"k{n}", "siren") for n in range(MAX_KEYS + 1)])


def test_a_node_without_rules_is_written_whatever_its_values() -> None:
    sql = node_sql(COLUMNS, [Leaf("__typename", constant="Company"), Leaf("s", "siren")])
    assert sql == "json_build_object('__typename', 'Company', 's', (siren))::text"


def test_each_rule_is_checked_where_its_leaf_asks() -> None:
    sql = node_sql(
        COLUMNS,
        [
            Leaf("n", "companies", non_null=True, int32=True),
            Leaf("st", "stage", allowed=("NONE", "USING")),
            Leaf("mine", "shared", non_null=True),
        ],
    )
    assert sql.startswith("CASE WHEN (companies) IS NOT NULL AND ")
    assert "(companies) BETWEEN -2147483648 AND 2147483647" in sql
    assert "((stage) IS NULL OR (stage) IN ('NONE', 'USING'))" in sql
    assert "(shared_via <> '[]'::jsonb) IS NOT NULL" in sql
    assert sql.endswith(
        "THEN json_build_object('n', (companies), 'st', (stage), "
        "'mine', (shared_via <> '[]'::jsonb))::text END"
    )
