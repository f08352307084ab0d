"""Envelope: the plan's 200 M€, allocated by measure, committed, paid, and overrun by decision.

Commitments stay within each measure's allocation and within the envelope; only an explicit,
referenced decision (an authorised overrun) raises those ceilings. Payments are made against a
commitment and never exceed it.

Other applications may spend from the envelope in their own commands: load it with
``find(Envelope.create_id(), Envelope)``, call ``commit`` or ``pay``, and save it with their own
aggregates. The version check of that save serialises every change of the envelope, so two
commitments made at once cannot both pass a ceiling only one of them fits under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import (
    AlreadyExists,
    BudgetExceeded,
    InvalidAmount,
    InvalidDate,
    InvalidValue,
    NotFound,
)
from osezia.domain.inputs import check_amount, is_whole
from osezia.domain.personal import PersonalData, personal_data

EUROS = 100  # cents
MILLION_EUROS = 1_000_000 * EUROS


class Measure(StrEnum):
    """The plan's measures the envelope pays for."""

    DIAGNOSTICS = "DIAGNOSTICS"
    GUARANTEE_FUND = "GUARANTEE_FUND"
    CALLS = "CALLS"
    ACCELERATION = "ACCELERATION"
    ACADEMIE = "ACADEMIE"
    AWARENESS = "AWARENESS"


_ANNOUNCEMENT = "https://www.economie.gouv.fr/actualites/osez-lia-un-plan-pour-diffuser-lia-dans-toutes-les-entreprises"
# Where each default allocation comes from. A measure missing here has no published allocation:
# it shows as such (not as 0 €), and commits only what an authorised overrun lets it.
ALLOCATION_SOURCES: Mapping[str, str] = {
    Measure.CALLS: f"100 M€ of France 2030 for the calls for projects ({_ANNOUNCEMENT})",
    Measure.GUARANTEE_FUND: (
        "configuration: the other 100 M€ of the plan pay for the guarantee fund and the "
        f"diagnostics ({_ANNOUNCEMENT}); the 60/40 split is not published"
    ),
    Measure.DIAGNOSTICS: (
        "configuration: the other 100 M€ of the plan pay for the guarantee fund and the "
        f"diagnostics ({_ANNOUNCEMENT}); the 60/40 split is not published"
    ),
}
NOT_PUBLISHED = "no published allocation"


def _default_allocations() -> dict[str, int | None]:
    return {
        Measure.CALLS: 100 * MILLION_EUROS,
        Measure.GUARANTEE_FUND: 60 * MILLION_EUROS,
        Measure.DIAGNOSTICS: 40 * MILLION_EUROS,
        Measure.ACCELERATION: None,
        Measure.ACADEMIE: None,
        Measure.AWARENESS: None,
    }


def allocation_source(measure: str, allocated_cents: int | None) -> str:
    """Where a measure's allocation comes from, or that none was published."""
    if allocated_cents is None:
        return NOT_PUBLISHED
    return ALLOCATION_SOURCES.get(measure, "configuration")


@dataclass(frozen=True)
class BudgetRules:
    """The envelope opened by default.

    Sourced: 200 M€ in all, of which 100 M€ from France 2030 (the calls for projects), the
    other half paying for the guarantee fund and the diagnostics. How that half is split
    between those two, and anything allotted to the other measures, is not sourced: it is
    configuration.
    """

    total_cents: int = 200 * MILLION_EUROS
    allocations: Mapping[str, int | None] = field(default_factory=_default_allocations)

    def __post_init__(self) -> None:
        check_allocations(self.total_cents, self.allocations)


def check_allocations(total_cents: int, allocations: Mapping[str, int | None]) -> None:
    """Known measures, whole amounts (None: no published allocation), within the total."""
    check_amount(total_cents, "envelope total")
    unknown = sorted(set(allocations) - set(Measure))
    if unknown:
        raise InvalidValue(
            f"allocations name unknown measures {', '.join(unknown)} "
            f"(measures: {', '.join(Measure)})"
        )
    for measure, cents in allocations.items():
        if cents is not None and (not is_whole(cents) or cents < 0):
            raise InvalidAmount(
                f"allocation {cents!r} to {measure} must be a whole number of euro cents, 0 or more"
            )
    allocated = sum(cents or 0 for cents in allocations.values())
    if allocated > total_cents:
        raise BudgetExceeded(
            f"allocations add up to {allocated} cents, more than the envelope's {total_cents} cents"
        )


def check_calendar_date(on: object, what: str) -> None:
    # A datetime is a date to Python, but it would be stored and replayed as a datetime.
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidDate(f"{what} {on!r} must be a calendar date")


@dataclass
class Commitment:
    """Funds committed to one reference (a contract, a decision) of one measure."""

    measure: Measure
    committed_cents: int
    paid_cents: int
    on: date


class Envelope(Aggregate):
    """The plan's one budget envelope, opened by the operator (the State)."""

    class Opened(Aggregate.Created):
        """The operator opened the envelope with its total and each measure's allocation."""

        tenant: str
        total_cents: int
        allocations: dict[str, int | None]  # None: no published allocation
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "allocations")
        )

    class FundsCommitted(Aggregate.Event):
        """Funds of a measure were committed to a reference (a contract, a decision)."""

        measure: str
        amount_cents: int
        reference: str
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("measure", "reference"))

    class FundsPaid(Aggregate.Event):
        """Funds committed to a reference were paid."""

        measure: str
        reference: str
        amount_cents: int
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("measure", "reference"))

    class OverrunAuthorised(Aggregate.Event):
        """A decision let the measure's commitments, and the envelope's, go this much higher."""

        measure: str
        amount_cents: int
        decision_reference: str
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("measure", "decision_reference")
        )

    @staticmethod
    def create_id() -> UUID:
        return uuid5(OSEZIA_NAMESPACE, "budget/osez-l-ia")

    @classmethod
    def open(cls, tenant: str, total_cents: int, allocations: Mapping[str, int | None]) -> Envelope:
        check_allocations(total_cents, allocations)
        every_measure = {m.value: allocations.get(m) for m in Measure}
        return cls(tenant=tenant, total_cents=total_cents, allocations=every_measure)

    @event(Opened)
    def __init__(self, tenant: str, total_cents: int, allocations: dict[str, int | None]) -> None:
        self.tenant = tenant
        self.total_cents = total_cents
        self.allocations = {Measure(m): cents for m, cents in allocations.items()}
        self.overruns = dict.fromkeys(Measure, 0)
        self.committed = dict.fromkeys(Measure, 0)
        self.paid = dict.fromkeys(Measure, 0)
        self.commitments: dict[str, Commitment] = {}
        self.decisions: set[str] = set()

    def ceiling(self, measure: Measure) -> int:
        """What the measure may commit in all: its allocation and the overruns authorised."""
        return (self.allocations[measure] or 0) + self.overruns[measure]

    def _allocated(self, measure: Measure) -> str:
        cents = self.allocations[measure]
        return NOT_PUBLISHED if cents is None else f"{cents} cents allocated"

    @property
    def total_ceiling(self) -> int:
        return self.total_cents + sum(self.overruns.values())

    @property
    def committed_cents(self) -> int:
        return sum(self.committed.values())

    @property
    def paid_cents(self) -> int:
        return sum(self.paid.values())

    def commit(self, measure: Measure, amount_cents: int, reference: str, on: date) -> None:
        """Commit funds of a measure to a new reference, within the ceilings."""
        check_amount(amount_cents, "commitment")
        check_calendar_date(on, "commitment date")
        self.check_new_reference(reference)
        self.check_ceilings(measure, amount_cents)
        self._commit(measure.value, amount_cents, reference, on)

    def check_new_reference(self, reference: str) -> None:
        if reference in self.commitments:
            raise AlreadyExists(
                f"commitment {reference!r} already exists; commit more under a new reference"
            )

    def check_ceilings(self, measure: Measure, amount_cents: int) -> None:
        after = self.committed[measure] + amount_cents
        if after > self.ceiling(measure):
            raise BudgetExceeded(
                f"committing {amount_cents} cents to {measure} would bring it to {after} cents, "
                f"above its {self._allocated(measure)} plus "
                f"{self.overruns[measure]} cents of overruns authorised"
            )
        total_after = self.committed_cents + amount_cents
        if total_after > self.total_ceiling:
            raise BudgetExceeded(
                f"committing {amount_cents} cents would bring the envelope to {total_after} "
                f"cents, above its {self.total_cents} cents plus "
                f"{self.total_ceiling - self.total_cents} cents of overruns authorised"
            )

    @event(FundsCommitted)
    def _commit(self, measure: str, amount_cents: int, reference: str, on: date) -> None:
        measure_ = Measure(measure)
        self.committed[measure_] += amount_cents
        self.commitments[reference] = Commitment(measure_, amount_cents, 0, on)

    def pay(self, measure: Measure, reference: str, amount_cents: int, on: date) -> None:
        """Pay against a commitment of that measure, up to what it committed."""
        check_amount(amount_cents, "payment")
        check_calendar_date(on, "payment date")
        commitment = self.commitment_of(measure, reference)
        self.check_payment(commitment, reference, amount_cents, on)
        self._pay(measure.value, reference, amount_cents, on)

    def commitment_of(self, measure: Measure, reference: str) -> Commitment:
        commitment = self.commitments.get(reference)
        if commitment is None or commitment.measure is not measure:
            raise NotFound(f"no commitment {reference!r} of measure {measure}")
        return commitment

    @staticmethod
    def check_payment(commitment: Commitment, reference: str, amount_cents: int, on: date) -> None:
        left = commitment.committed_cents - commitment.paid_cents
        if amount_cents > left:
            raise BudgetExceeded(
                f"paying {amount_cents} cents on commitment {reference!r} is more than the "
                f"{left} cents it has left to pay"
            )
        if on < commitment.on:
            raise InvalidDate(
                f"payment dated {on} is before commitment {reference!r} ({commitment.on})"
            )

    @event(FundsPaid)
    def _pay(self, measure: str, reference: str, amount_cents: int, on: date) -> None:
        self.paid[Measure(measure)] += amount_cents
        self.commitments[reference].paid_cents += amount_cents

    def authorise_overrun(
        self, measure: Measure, amount_cents: int, decision_reference: str, on: date
    ) -> None:
        """Raise the measure's ceiling, and the envelope's, by a referenced decision."""
        check_amount(amount_cents, "overrun")
        check_calendar_date(on, "decision date")
        if decision_reference in self.decisions:
            raise AlreadyExists(f"overrun decision {decision_reference!r} is already recorded")
        self._authorise_overrun(measure.value, amount_cents, decision_reference, on)

    @event(OverrunAuthorised)
    def _authorise_overrun(
        self, measure: str, amount_cents: int, decision_reference: str, on: date
    ) -> None:
        self.overruns[Measure(measure)] += amount_cents
        self.decisions.add(decision_reference)
