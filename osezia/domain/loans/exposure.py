"""A company's exposure under guaranteed loans: what its live loans amount to, across every
network that applied for it, so that a cap holds per company and not only per loan.

A loan counts from its application for its amount, then for what was disbursed; a refused
guarantee frees it. The exposure is an aggregate of its own, saved with the loan that changes
it: two applications for one company at the same time cannot both pass the cap (the second save
conflicts on the exposure's version and is refused, to be tried again).
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import AmountOutOfRange


class Exposure(Aggregate):
    class Opened(Aggregate.Created):
        """The company's exposure was opened, with its first guaranteed loan."""

        company_id: UUID

    class Counted(Aggregate.Event):
        """What a loan counts for from now on (0 once it no longer counts)."""

        loan_id: UUID
        amount_cents: int

    @staticmethod
    def create_id(company_id: UUID) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"loan-exposure/{company_id}")

    @event(Opened)
    def __init__(self, company_id: UUID) -> None:
        self.company_id = company_id
        self.loans: dict[UUID, int] = {}

    @property
    def total_cents(self) -> int:
        return sum(self.loans.values())

    def take(self, loan_id: UUID, amount_cents: int, cap_cents: int) -> None:
        """Count a new loan, if the company's live loans stay within ``cap_cents``."""
        if self.total_cents + amount_cents > cap_cents:
            raise AmountOutOfRange(
                f"the company's live guaranteed loans would reach "
                f"{self.total_cents + amount_cents} cents, above the cap of {cap_cents} cents "
                f"per company ({self.total_cents} cents already applied for or disbursed)"
            )
        self._count(loan_id=loan_id, amount_cents=amount_cents)

    def recount(self, loan_id: UUID, amount_cents: int) -> None:
        """A loan now counts for ``amount_cents`` (what was disbursed; 0 when refused)."""
        if loan_id in self.loans and self.loans[loan_id] != amount_cents:
            self._count(loan_id=loan_id, amount_cents=amount_cents)

    @event(Counted)
    def _count(self, loan_id: UUID, amount_cents: int) -> None:
        if amount_cents:
            self.loans[loan_id] = amount_cents
        else:
            self.loans.pop(loan_id, None)
