from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from osezia.domain.sizes import SME_CATEGORIES
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.node import Node


@strawberry.type(description="A research partnership between INRIA and an SME.")
class Partnership(Node, AboutACompany):
    id: strawberry.ID
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    research_team: str
    topic: str
    status: str
    signed_on: date | None
    year: int | None
    started_on: date | None
    ended_on: date | None
    abandon_reason: str | None
    size_category: str | None = strawberry.field(
        description="The company's legal size category (décret 2008-1354) at the signature: "
        "MICRO, PME, ETI or GE; null before the signature, or when it was not assessed."
    )

    @strawberry.field(
        description="Signed with an SME (a MICRO or a PME), which INRIA's yearly target counts."
    )
    def with_an_sme(self) -> bool:
        return self.size_category in SME_CATEGORIES

    @classmethod
    def of(cls, row: dict[str, Any]) -> Partnership:
        return cls(
            id=strawberry.ID(str(row["id"])),
            company_id=strawberry.ID(str(row["company_id"])),
            company_siren=row["company_siren"],
            company_name=row["company_name"],
            region=row["region"],
            research_team=row["research_team"],
            topic=row["topic"],
            status=row["status"],
            signed_on=row["signed_on"],
            year=row["year"],
            started_on=row["started_on"],
            ended_on=row["ended_on"],
            abandon_reason=row["abandon_reason"],
            size_category=row["size_category"],
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
