from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import strawberry

from osezia.domain.budget.model import allocation_source
from osezia.graphql.context import Info
from osezia.graphql.enums import Measure
from osezia.graphql.node import Node, register_node
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import read_models
from osezia.graphql.scalars import Cents
from osezia.projections.budget import EnvelopeRow, MovementRow, movement_page


class MovementKind(StrEnum):
    """The lines of the envelope's history, as the budget's read model records them."""

    COMMITMENT = "COMMITMENT"
    PAYMENT = "PAYMENT"
    OVERRUN = "OVERRUN"


strawberry.enum(
    MovementKind,
    name="MovementKind",
    description="A line of the envelope's history: a COMMITMENT, a PAYMENT or an authorised "
    "OVERRUN.",
)


@strawberry.type(description="A commitment, a payment or an authorised overrun.")
class BudgetMovement:
    kind: MovementKind
    measure: Measure
    reference: str = strawberry.field(description="The commitment's, or the decision's.")
    amount_cents: Cents
    on: date
    recorded_at: datetime

    @classmethod
    def of(cls, row: MovementRow) -> BudgetMovement:
        return cls(
            kind=MovementKind(row.kind),
            measure=Measure(row.measure),
            reference=row.reference,
            amount_cents=Cents(row.amount_cents),
            on=row.on,
            recorded_at=row.at,
        )


@strawberry.type(description="One measure of the plan: what it was allotted, committed, paid.")
class EnvelopeMeasure:
    measure: Measure
    allocated_cents: Cents | None = strawberry.field(
        description="What the measure was allotted; null when no allocation was published "
        "(see allocationSource)."
    )
    overrun_cents: Cents = strawberry.field(description="Authorised above the allocation.")
    committed_cents: Cents
    paid_cents: Cents

    @strawberry.field(description="What the measure may still commit.")
    def available_cents(self) -> Cents:
        allocated = self.allocated_cents or 0
        return Cents(allocated + self.overrun_cents - self.committed_cents)

    @strawberry.field(description="Where the allocation comes from, or that none was published.")
    def allocation_source(self) -> str:
        return allocation_source(self.measure, self.allocated_cents)


@strawberry.type(description="The plan's envelope (200 M€, of which 100 M€ France 2030).")
class Budget(Node):
    id: strawberry.ID
    opened_by: str
    as_of: date | None = strawberry.field(
        description="The day (in France) by whose end the figures were recorded; null when "
        "they are the envelope as it stands."
    )
    total_cents: Cents
    overrun_cents: Cents
    committed_cents: Cents
    paid_cents: Cents
    measures: list[EnvelopeMeasure]
    opened_at: datetime
    # How many movements the list held when the totals were read, and the time before which a
    # movement must have been recorded (as of a day): the movements' pages read no further, so
    # they agree with the totals.
    recorded: strawberry.Private[int]
    cutoff: strawberry.Private[datetime | None]

    @classmethod
    def of(
        cls, row: EnvelopeRow, *, day: date | None = None, cutoff: datetime | None = None
    ) -> Budget:
        """Every total summed from the movements the row's sums hold: those recorded before
        the cutoff, which its movements' pages keep to (with `day`, the day it ends)."""
        sums = row.sums

        def total(kind: str, measure: str | None = None) -> Cents:
            return Cents(sum(v for (m, k), v in sums.items() if k == kind and measure in (None, m)))

        return cls(
            id=strawberry.ID(str(row.id)),
            opened_by=row.owner,
            as_of=day,
            total_cents=Cents(row.total_cents),
            overrun_cents=total(MovementKind.OVERRUN),
            committed_cents=total(MovementKind.COMMITMENT),
            paid_cents=total(MovementKind.PAYMENT),
            measures=[
                EnvelopeMeasure(
                    measure=Measure(measure),
                    allocated_cents=None if allocated is None else Cents(allocated),
                    overrun_cents=total(MovementKind.OVERRUN, measure),
                    committed_cents=total(MovementKind.COMMITMENT, measure),
                    paid_cents=total(MovementKind.PAYMENT, measure),
                )
                for measure, allocated in row.allocations.items()
            ],
            opened_at=row.opened_at,
            recorded=row.recorded,
            cutoff=cutoff,
        )

    @strawberry.field(
        description="Commitments, payments and overruns in the order recorded (only those "
        "recorded by the end of `asOf` when the budget was asked as of a day), optionally of "
        "one measure or one kind: `first` (20 when neither is given) after a cursor, or `last` "
        "before one."
    )
    async def movements(
        self,
        info: Info,
        measure: Measure | None = None,
        kind: MovementKind | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BudgetMovement]:
        async with read_models(info) as conn:
            found = await movement_page(
                conn,
                info.context.tenant,
                str(self.id),
                recorded=self.recorded,
                cutoff=self.cutoff,
                measure=measure,
                kind=kind,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, BudgetMovement.of)


# node(id:): the envelope as it stands, from a whole row of the budget view.
register_node("budget", EnvelopeRow.from_row, Budget.of)
