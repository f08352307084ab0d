"""The scheme's parameters, set by Bpifrance for the State, and the State's share of a price.

The day cap, the State's share and the eligible size categories are configuration: each
diagnostic records in its events the values it used, so that replaying it never depends on
today's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from osezia.domain.errors import InvalidValue
from osezia.domain.inputs import BASIS_POINTS, check_share
from osezia.domain.sizes import check_size_categories


@dataclass(frozen=True)
class DiagnosticRules:
    """The scheme's parameters, set by Bpifrance for the State."""

    expert_days_cap: int = 10
    state_share_basis_points: int = 4000
    eligible_categories: frozenset[str] = frozenset({"PME", "ETI"})
    # The network that runs diagnostics for the State, which may act on every diagnostic
    # whichever network requested it: by default (None) the one the tenants' profiles name.
    pilot: str | None = None

    def __post_init__(self) -> None:
        if self.expert_days_cap < 1:
            raise InvalidValue(f"expert days cap {self.expert_days_cap} must be at least 1")
        check_share(self.state_share_basis_points, "State share")
        check_size_categories(self.eligible_categories)


def state_share_of(price_cents: int, basis_points: int) -> int:
    """The State's share of a price, in cents, rounded half up (integer arithmetic only)."""
    return (price_cents * basis_points + BASIS_POINTS // 2) // BASIS_POINTS
