from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import strawberry

from osezia.domain.sizes import SME_CATEGORIES
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import PartnershipStatus, SizeCategory
from osezia.graphql.node import Node, register_node


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
    def as_of(cls, cutoff: datetime | None) -> Callable[[dict[str, Any]], Partnership]:
        """Partnerships as recorded before the cutoff (as they stand when None)."""
        if cutoff is None:
            return cls.of
        return lambda row: cls.of(recorded_before(row, cutoff))

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
            status=PartnershipStatus(row["status"]),
            signed_on=row["signed_on"],
            year=row["year"],
            started_on=row["started_on"],
            ended_on=row["ended_on"],
            abandon_reason=row["abandon_reason"],
            size_category=None
            if row["size_category"] is None
            else SizeCategory(row["size_category"]),
            signed_at=row["signed_at"],
        )


# Each milestone: when it was recorded, the status it gave, what it brought.
_MILESTONES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("signed_at", "SIGNED", {"signed_on": None, "year": None, "size_category": None}),
    ("started_at", "STARTED", {"started_on": None}),
    ("ended_at", "COMPLETED", {"ended_on": None}),
    ("abandoned_at", "ABANDONED", {"abandon_reason": None}),
)


def status_as_of(cutoff: datetime | None) -> str:
    """The status in SQL: the one the milestones recorded before the cutoff give, if any."""
    if cutoff is None:
        return "status"
    at = f"'{cutoff.isoformat()}'::timestamptz"
    cases = " ".join(f"WHEN {column} < {at} THEN '{s}'" for column, s, _ in reversed(_MILESTONES))
    return f"(CASE {cases} ELSE 'PROPOSED' END)"


def recorded_before(row: dict[str, Any], cutoff: datetime) -> dict[str, Any]:
    """A partnership as it stood at the cutoff: without the milestones recorded after it."""
    row = dict(row)
    status = "PROPOSED"
    for column, reached, brought in _MILESTONES:
        if row[column] is None:
            continue
        if row[column] < cutoff:
            status = reached
        else:
            row.update(brought)
            row[column] = None
    row["status"] = status
    return row


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


register_node("partnerships", Partnership.of)
