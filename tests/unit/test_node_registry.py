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
from osezia.graphql.acceleration.types import Cohort
from osezia.graphql.ambassadors.types import Ambassador
from osezia.graphql.budget.types import Budget
from osezia.graphql.calls.types import Call, CallApplication
from osezia.graphql.companies.types import Company
from osezia.graphql.diagnostics.types import Diagnostic
from osezia.graphql.events.types import Event
from osezia.graphql.loans.types import Loan
from osezia.graphql.node import Node, NodeOf, node_views, register_node
from osezia.graphql.partnerships.types import Partnership
from osezia.graphql.referrals.types import Referral
from osezia.graphql.solutions.types import Adoption, Provider, Solution
from osezia.graphql.trainings.types import Training
from osezia.projections.acceleration import CohortRow
from osezia.projections.ambassadors import AmbassadorRow
from osezia.projections.budget import EnvelopeRow
from osezia.projections.calls_rows import CallApplicationRow, CallRow
from osezia.projections.companies import CompanyRow
from osezia.projections.diagnostics_rows import DiagnosticRow
from osezia.projections.events import EventRow
from osezia.projections.loans import LoanRow
from osezia.projections.partnerships import PartnershipRow
from osezia.projections.referrals import ReferralRow
from osezia.projections.solutions_rows import AdoptionRow, ProviderRow, SolutionRow
from osezia.projections.trainings import TrainingRow

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

# What find_node listed by hand before the registry: read model -> what types its rows, and
# what presents them.
SERVED_BEFORE: dict[str, NodeOf[Any]] = {
    "companies": NodeOf(CompanyRow.from_row, Company.of),
    "diagnostics": NodeOf(DiagnosticRow.from_row, Diagnostic.of),
    "ambassadors": NodeOf(AmbassadorRow.from_row, Ambassador.of),
    "events": NodeOf(EventRow.from_row, Event.of),
    "partnerships": NodeOf(PartnershipRow.from_row, Partnership.of),
    "referrals": NodeOf(ReferralRow.from_row, Referral.of),
    "trainings": NodeOf(TrainingRow.from_row, Training.of),
    "loans": NodeOf(LoanRow.from_row, Loan.of),
    "cohorts": NodeOf(CohortRow.from_row, Cohort.of),
    "calls": NodeOf(CallRow.from_row, Call.of),
    "call_applications": NodeOf(CallApplicationRow.from_row, CallApplication.of),
    "providers": NodeOf(ProviderRow.from_row, Provider.of),
    "solutions": NodeOf(SolutionRow.from_row, Solution.of),
    "adoptions": NodeOf(AdoptionRow.from_row, Adoption.of),
    "budget": NodeOf(EnvelopeRow.from_row, Budget.of),
}


def test_every_read_model_served_before_is_registered_with_its_builder() -> None:
    assert dict(node_views()) == SERVED_BEFORE


def test_a_read_model_registered_twice_with_another_builder_is_refused() -> None:
    def other(row: AmbassadorRow) -> Node:
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="already registered"):
        register_node("ambassadors", AmbassadorRow.from_row, other)
    with pytest.raises(ValueError, match="already registered"):
        register_node("ambassadors", EventRow.from_row, Ambassador.of)  # type: ignore[misc]
    # The same pair again changes nothing.
    register_node("ambassadors", AmbassadorRow.from_row, Ambassador.of)
    assert node_views()["ambassadors"] == SERVED_BEFORE["ambassadors"]


def test_a_name_that_is_not_a_read_model_is_refused() -> None:
    with pytest.raises(ValueError, match="not a read model"):
        register_node("companies; DROP TABLE x", CompanyRow.from_row, Company.of)
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
