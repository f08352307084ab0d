"""Calls for projects and their phases.

A call has one or more phases, each with a range of amounts and of durations and a contractor
(the network that awards it). Companies apply to a call while it is open (see `submissions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import AmountOutOfRange, InvalidAmount, InvalidDate, InvalidValue
from osezia.domain.inputs import text
from osezia.domain.personal import PersonalData, personal_data


class CallKind(StrEnum):
    GATED = "GATED"  # phases one after another, each behind a selective evaluation
    SELECTIVE = "SELECTIVE"  # one selection, then the funding


@dataclass(frozen=True)
class Phase:
    """One phase of a call: what it funds, how much and for how long, and who contracts it."""

    number: int
    name: str
    min_cents: int
    max_cents: int
    min_months: int
    max_months: int
    contractor: str

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Phase:
        return cls(**data)

    def check_award(self, amount_cents: int, months: int) -> None:
        if not self.min_cents <= amount_cents <= self.max_cents:
            raise AmountOutOfRange(
                f"phase {self.number} awards {self.min_cents} to {self.max_cents} cents, "
                f"not {amount_cents}"
            )
        if not self.min_months <= months <= self.max_months:
            raise AmountOutOfRange(
                f"phase {self.number} lasts {self.min_months} to {self.max_months} months, "
                f"not {months}"
            )


def checked_phases(phases: Sequence[Phase]) -> tuple[Phase, ...]:
    """The phases numbered 1..n in order, each with sensible ranges and a contractor."""
    if not phases:
        raise InvalidValue("a call needs at least one phase")
    checked = []
    for expected, phase in enumerate(phases, 1):
        if phase.number != expected:
            raise InvalidValue(f"phases must be numbered 1 to {len(phases)} in order")
        if not 0 < phase.min_cents <= phase.max_cents:
            raise InvalidAmount(
                f"phase {expected}'s amounts must be positive, the minimum not above the maximum"
            )
        if not 0 < phase.min_months <= phase.max_months:
            raise InvalidValue(
                f"phase {expected}'s durations must be positive, the minimum not above the maximum"
            )
        name = text(phase.name, f"phase {expected}'s name")
        contractor = text(phase.contractor, f"phase {expected}'s contractor")
        checked.append(replace(phase, name=name, contractor=contractor))
    return tuple(checked)


class CallForProjects(Aggregate):
    """A call for projects. Its id derives from its code: one call per code."""

    class Opened(Aggregate.Created):
        """A network opened a call for projects with its phases and its selection target."""

        tenant: str
        code: str
        title: str
        kind: str
        opens_on: date
        closes_on: date
        phases: list[dict[str, Any]]
        selection_target: int | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "code", "title", "kind", "phases")
        )

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"call/{code}")

    @event(Opened)
    def __init__(
        self,
        tenant: str,
        code: str,
        title: str,
        kind: str,
        opens_on: date,
        closes_on: date,
        phases: list[dict[str, Any]],
        selection_target: int | None,
    ) -> None:
        self.tenant = tenant
        self.code = code
        self.title = title
        self.kind = CallKind(kind)
        self.opens_on = opens_on
        self.closes_on = closes_on
        self.phases = tuple(Phase.of(p) for p in phases)
        self.selection_target = selection_target

    @property
    def contractors(self) -> frozenset[str]:
        return frozenset(p.contractor for p in self.phases)

    def check_open_on(self, on: date) -> None:
        if not self.opens_on <= on <= self.closes_on:
            raise InvalidDate(
                f"call {self.code} takes applications from {self.opens_on} to {self.closes_on}, "
                f"not on {on}"
            )

    @staticmethod
    def check_dates(opens_on: date, closes_on: date) -> None:
        if closes_on < opens_on:
            raise InvalidDate(f"a call cannot close ({closes_on}) before it opens ({opens_on})")

    @staticmethod
    def check_selection_target(target: int | None) -> None:
        if target is not None and target < 1:
            raise InvalidValue(f"a selection target must be at least 1, not {target}")
