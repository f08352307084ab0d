"""`node(id:)` finds the records of every read model it served before node types registered
themselves, and osezia/graphql/node.py imports no feature (the import circle stays closed)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest

import osezia.graphql.schema  # noqa: F401  (imports every feature, so every registration)
from osezia.graphql.acceleration.types import cohort_node
from osezia.graphql.ambassadors.types import ambassador_node
from osezia.graphql.budget.types import budget_node
from osezia.graphql.calls.types import application_node, call_node
from osezia.graphql.companies.queries import company_node
from osezia.graphql.diagnostics.types import diagnostic_node
from osezia.graphql.events.types import event_node
from osezia.graphql.loans.types import loan_node
from osezia.graphql.node import Node, node_views, register_node
from osezia.graphql.partnerships.types import partnership_node
from osezia.graphql.referrals.types import referral_node
from osezia.graphql.solutions.types import adoption_node, provider_node, solution_node
from osezia.graphql.trainings.types import training_node

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

# What find_node listed by hand before the registry: read model -> what builds its rows.
SERVED_BEFORE: dict[str, Any] = {
    "companies": company_node,
    "diagnostics": diagnostic_node,
    "ambassadors": ambassador_node,  # Ambassador.of before its row was typed
    "events": event_node,
    "partnerships": partnership_node,
    "referrals": referral_node,
    "trainings": training_node,
    "loans": loan_node,
    "cohorts": cohort_node,
    "calls": call_node,
    "call_applications": application_node,
    "providers": provider_node,
    "solutions": solution_node,
    "adoptions": adoption_node,
    "budget": budget_node,
}


def test_every_read_model_served_before_is_registered_with_its_builder() -> None:
    assert dict(node_views()) == SERVED_BEFORE


def test_a_read_model_registered_twice_with_another_builder_is_refused() -> None:
    def other(row: dict[str, Any]) -> Node:
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="already registered"):
        register_node("ambassadors", other)
    register_node("ambassadors", ambassador_node)  # the same builder again changes nothing
    assert node_views()["ambassadors"] == ambassador_node


def test_a_name_that_is_not_a_read_model_is_refused() -> None:
    with pytest.raises(ValueError, match="not a read model"):
        register_node("companies; DROP TABLE x", company_node)
    assert "companies; DROP TABLE x" not in node_views()


def features(graph: grimp.ImportGraph) -> set[str]:
    """The feature subpackages of osezia.graphql (a subpackage is a feature)."""
    return {
        module for module in graph.find_children("osezia.graphql") if graph.find_children(module)
    }


def test_node_imports_no_feature_directly_or_not() -> None:
    graph = grimp.build_graph("osezia")
    found = features(graph)
    assert {"osezia.graphql.ambassadors", "osezia.graphql.companies"} <= found
    for feature in sorted(found):
        for module in {feature} | graph.find_descendants(feature):
            chain = graph.find_shortest_chain(importer="osezia.graphql.node", imported=module)
            assert chain is None, chain


def test_the_import_contract_forbids_node_every_feature() -> None:
    """A new feature is caught by lint-imports too: the contract covers every feature."""
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (contract,) = [
        c
        for c in contracts
        if c["type"] == "forbidden" and c["source_modules"] == ["osezia.graphql.node"]
    ]
    assert not contract.get("allow_indirect_imports", False)
    # One wildcard (lint-imports' own syntax: `*` is one level) covers the modules of every
    # feature folder, those to come included: no list to keep up to date.
    patterns = [
        re.compile(re.escape(p).replace(r"\*", r"[^.]+") + "$")
        for p in contract["forbidden_modules"]
    ]
    graph = grimp.build_graph("osezia")
    modules = {m for feature in features(graph) for m in graph.find_descendants(feature)}
    assert modules
    for module in sorted(modules):
        assert any(p.match(module) for p in patterns), module
    assert not any(p.match("osezia.graphql.pagination") for p in patterns)
