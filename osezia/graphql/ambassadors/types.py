from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from osezia.domain.ambassadors.model import AmbassadorKind as AmbassadorKind
from osezia.domain.ambassadors.model import AmbassadorProfile as AmbassadorProfile
from osezia.domain.ambassadors.model import InterventionFormat as InterventionFormat
from osezia.domain.ambassadors.model import Network as Network
from osezia.domain.ambassadors.model import PlanKind as PlanKind
from osezia.domain.ambassadors.model import plan_kind
from osezia.graphql.enums import register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.ambassadors import AmbassadorRow

# This feature's closed sets, as the schema names them.
register_enum(
    AmbassadorKind,
    "AmbassadorKind",
    "GRAND_PUBLIC ambassadors tell their own use of AI; REGIONAL and SECTORAL ones cover a "
    "region or sectors.",
)
register_enum(PlanKind, "PlanKind", "The two kinds of ambassadors the plan names.")
register_enum(
    AmbassadorProfile,
    "AmbassadorProfile",
    "Who an ambassador is: « grand public » ones are entrepreneurs, athletes and artists; "
    "regional and sectoral ones include the sous-préfets référents France 2030.",
)
register_enum(
    Network,
    "AmbassadorNetwork",
    "The partner network an ambassador works with (the plan's list, not the platform's tenants).",
)
register_enum(
    InterventionFormat, "InterventionFormat", "The format of an ambassador's intervention."
)


class AmbassadorStatus(StrEnum):
    """An ambassador's status as the ambassadors' read model records it (the aggregate knows
    only whether it was withdrawn)."""

    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"


strawberry.enum(
    AmbassadorStatus,
    name="AmbassadorStatus",
    description="An ambassador is ACTIVE until WITHDRAWN.",
)


@strawberry.type
class Intervention:
    on: date
    audience: int
    format: InterventionFormat


@strawberry.type(description="An « Osez l'IA » ambassador (public directory).")
class Ambassador(Node):
    id: strawberry.ID
    full_name: str
    kind: AmbassadorKind
    network: Network
    region: str | None
    sectors: list[str]
    appointed_on: date
    status: AmbassadorStatus
    withdrawn_on: date | None
    interventions: list[Intervention]
    audience_total: int
    profile: AmbassadorProfile | None = strawberry.field(
        description="Who the ambassador is; null when it was not recorded."
    )

    @strawberry.field(description="Which of the plan's two kinds the ambassador is.")
    def plan_kind(self) -> PlanKind:
        return plan_kind(self.kind)

    @classmethod
    def of(cls, row: AmbassadorRow) -> Ambassador:
        return cls(
            id=strawberry.ID(str(row.id)),
            full_name=row.full_name,
            kind=AmbassadorKind(row.kind),
            network=Network(row.network),
            region=row.region,
            sectors=list(row.sectors),
            appointed_on=row.appointed_on,
            status=AmbassadorStatus(row.status),
            withdrawn_on=row.withdrawn_on,
            interventions=[
                Intervention(on=i.on, audience=i.audience, format=InterventionFormat(i.format))
                for i in row.interventions
            ],
            audience_total=row.audience_total,
            profile=None if row.profile is None else AmbassadorProfile(row.profile),
        )


register_node("ambassadors", AmbassadorRow.from_row, Ambassador.of)
