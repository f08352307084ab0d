from __future__ import annotations

from datetime import date, datetime

import strawberry

from osezia.domain.partnerships.model import PartnershipStatus as PartnershipStatus
from osezia.domain.sizes import SME_CATEGORIES
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import SizeCategory, register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.partnerships import PartnershipRow

# This feature's closed sets, as the schema names them.
register_enum(PartnershipStatus, "PartnershipStatus", "Where a research partnership stands.")


@strawberry.type(description="A research partnership between INRIA and an SME.")
class Partnership(Node, AboutACompany):
    id: strawberry.ID
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    research_team: str
    topic: str
    status: PartnershipStatus
    signed_on: date | None
    year: int | None
    started_on: date | None
    ended_on: date | None
    abandon_reason: str | None
    signed_at: datetime | None = strawberry.field(
        description="When the signature was recorded (`signedOn` is the day it was signed)."
    )
    size_category: SizeCategory | None = strawberry.field(
        description="The company's legal size category (décret 2008-1354) at the signature; "
        "null before the signature, or when it was not assessed."
    )

    @strawberry.field(
        description="Signed with an SME (a MICRO or a PME), which INRIA's yearly target counts."
    )
    def with_an_sme(self) -> bool:
        return self.size_category in SME_CATEGORIES

    @classmethod
    def of(cls, row: PartnershipRow) -> Partnership:
        return cls(
            id=strawberry.ID(str(row.id)),
            company_id=strawberry.ID(str(row.company_id)),
            company_siren=row.company_siren,
            company_name=row.company_name,
            region=row.region,
            research_team=row.research_team,
            topic=row.topic,
            status=PartnershipStatus(row.status),
            signed_on=row.signed_on,
            year=row.year,
            started_on=row.started_on,
            ended_on=row.ended_on,
            abandon_reason=row.abandon_reason,
            size_category=None if row.size_category is None else SizeCategory(row.size_category),
            signed_at=row.signed_at,
        )


@strawberry.type(description="Partnerships signed in a year, against the yearly target.")
class PartnershipYear:
    year: int
    signed: int = strawberry.field(
        description="Signed with an SME: what the target of SME partnerships counts."
    )
    target: int
    partnerships: list[Partnership] = strawberry.field(
        description="Every partnership signed that year, SMEs or not."
    )
    others: int = strawberry.field(
        description="Signed with a company that is no SME (an ETI, a GE) or whose category "
        "is unknown: listed, not counted towards the target."
    )

    @strawberry.field(description="Share of the target reached, in percent.")
    def progress_percent(self) -> float:
        return round(100 * self.signed / self.target, 1) if self.target else 0.0


register_node("partnerships", PartnershipRow.from_row, Partnership.of)
