from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import strawberry

from osezia.graphql.node import Node
from osezia.graphql.scalars import Cents


@strawberry.type(description="A commitment, a payment or an authorised overrun.")
class BudgetMovement:
    kind: str = strawberry.field(description="COMMITMENT, PAYMENT or OVERRUN.")
    measure: str
    reference: str = strawberry.field(description="The commitment's, or the decision's.")
    amount_cents: Cents
    on: date
    recorded_at: datetime

    @classmethod
    def of(cls, movement: dict[str, Any]) -> BudgetMovement:
        return cls(
            kind=movement["kind"],
            measure=movement["measure"],
            reference=movement["reference"],
            amount_cents=movement["amount_cents"],
            on=date.fromisoformat(movement["on"]),
            recorded_at=datetime.fromisoformat(movement["at"]),
        )


@strawberry.type(description="One measure of the plan: what it was allotted, committed, paid.")
class EnvelopeMeasure:
    measure: str
    allocated_cents: Cents
    overrun_cents: Cents = strawberry.field(description="Authorised above the allocation.")
    committed_cents: Cents
    paid_cents: Cents

    @strawberry.field(description="What the measure may still commit.")
    def available_cents(self) -> Cents:
        return Cents(self.allocated_cents + self.overrun_cents - self.committed_cents)


@strawberry.type(description="The plan's envelope (200 M€, of which 100 M€ France 2030).")
class Budget(Node):
    id: strawberry.ID
    opened_by: str
    total_cents: Cents
    overrun_cents: Cents
    committed_cents: Cents
    paid_cents: Cents
    measures: list[EnvelopeMeasure]
    movements: list[BudgetMovement] = strawberry.field(description="In the order recorded.")
    opened_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> Budget:
        movements = [BudgetMovement.of(m) for m in row["movements"]]
        sums: dict[tuple[str, str], int] = defaultdict(int)
        for movement in movements:
            sums[movement.measure, movement.kind] += movement.amount_cents
        overruns = row["overruns"]
        return cls(
            id=strawberry.ID(str(row["id"])),
            opened_by=row["owner"],
            total_cents=row["total_cents"],
            overrun_cents=Cents(sum(overruns.values())),
            committed_cents=row["committed_cents"],
            paid_cents=row["paid_cents"],
            measures=[
                EnvelopeMeasure(
                    measure=measure,
                    allocated_cents=allocated,
                    overrun_cents=overruns.get(measure, 0),
                    committed_cents=Cents(sums[measure, "COMMITMENT"]),
                    paid_cents=Cents(sums[measure, "PAYMENT"]),
                )
                for measure, allocated in row["allocations"].items()
            ],
            movements=movements,
            opened_at=row["opened_at"],
        )
