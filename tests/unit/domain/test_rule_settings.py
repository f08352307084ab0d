"""The rules of diagnostics, loans and acceleration refuse shares and categories that make no
sense, with one message for each mistake whichever measure makes it."""

from __future__ import annotations

import pytest

from osezia.domain.acceleration.model import AccelerationRules
from osezia.domain.diagnostics.rules import DiagnosticRules
from osezia.domain.errors import InvalidValue
from osezia.domain.loans.model import LoanRules


@pytest.mark.parametrize("basis_points", [0, -1, 10_001])
def test_a_share_outside_nothing_to_the_whole_is_refused(basis_points: int) -> None:
    with pytest.raises(InvalidValue, match=f"State share {basis_points} basis points"):
        DiagnosticRules(state_share_basis_points=basis_points)
    with pytest.raises(InvalidValue, match=f"guaranteed share {basis_points} basis points"):
        LoanRules(guarantee_share_basis_points=basis_points)
    with pytest.raises(InvalidValue, match=f"provisioning rate {basis_points} basis points"):
        LoanRules(provisioning_rate_basis_points=basis_points)


def test_the_whole_is_a_share() -> None:
    assert DiagnosticRules(state_share_basis_points=10_000).state_share_basis_points == 10_000


@pytest.mark.parametrize("categories", [frozenset(), frozenset({"PME", "SME"})])
def test_eligible_categories_are_some_legal_size_categories(categories: frozenset[str]) -> None:
    for rules in (DiagnosticRules, LoanRules, AccelerationRules):
        with pytest.raises(InvalidValue, match="must be size categories among MICRO"):
            rules(eligible_categories=categories)
