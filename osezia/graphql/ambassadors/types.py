from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

# Re-exported once registered as GraphQL enums below, for the mutations to name.
from osezia.domain.ambassadors.model import AmbassadorKind, plan_kind
from osezia.domain.ambassadors.model import AmbassadorProfile as AmbassadorProfile
from osezia.domain.ambassadors.model import PlanKind as PlanKind
from osezia.graphql.node import Node

strawberry.enum(
    AmbassadorProfile,
    description="Who an ambassador is: « grand public » ones are entrepreneurs, athletes and "
    "artists; regional and sectoral ones include the sous-préfets référents France 2030.",
)
strawberry.enum(PlanKind, description="The two kinds of ambassadors the plan names.")


@strawberry.type
class Intervention:
    on: date
    audience: int
    format: str


@strawberry.type(description="An « Osez l'IA » ambassador (public directory).")
class Ambassador(Node):
    id: strawberry.ID
    full_name: str
    kind: str
    network: str
    region: str | None
    sectors: list[str]
    appointed_on: date
    status: str
    withdrawn_on: date | None
    interventions: list[Intervention]
    audience_total: int
    profile: AmbassadorProfile | None = strawberry.field(
        description="Who the ambassador is; null when it was not recorded."
    )

    @strawberry.field(description="Which of the plan's two kinds the ambassador is.")
    def plan_kind(self) -> PlanKind:
        return plan_kind(AmbassadorKind(self.kind))

    @classmethod
    def of(cls, row: dict[str, Any]) -> Ambassador:
        return cls(
            id=strawberry.ID(str(row["id"])),
            full_name=row["full_name"],
            kind=row["kind"],
            network=row["network"],
            region=row["region"],
            sectors=row["sectors"],
            appointed_on=row["appointed_on"],
            status=row["status"],
            withdrawn_on=row["withdrawn_on"],
            interventions=[
                Intervention(
                    on=date.fromisoformat(i["on"]), audience=i["audience"], format=i["format"]
                )
                for i in row["interventions"]
            ],
            audience_total=row["audience_total"],
            profile=None if row["profile"] is None else AmbassadorProfile(row["profile"]),
        )
