from __future__ import annotations

from datetime import date, datetime

import strawberry

from osezia.domain.solutions.model import SolutionStatus as SolutionStatus
from osezia.domain.solutions.model import Sovereignty as Sovereignty
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import Segment, UseCaseCategory, register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.solutions_rows import (
    AdoptionRow,
    ProviderRow,
    SolutionRow,
)
from osezia.projections.solutions_rows import SolutionMatch as MatchRow

# This feature's closed sets, as the schema names them.
register_enum(
    Sovereignty,
    "Sovereignty",
    "Where a solution provider is from: FR, EU or OTHER (FR and EU are sovereign).",
)
register_enum(SolutionStatus, "SolutionStatus", "A catalogue solution is ACTIVE until WITHDRAWN.")


def _categories(codes: tuple[str, ...]) -> list[UseCaseCategory]:
    return [UseCaseCategory(c) for c in codes]


@strawberry.type(name="UseCaseCategory", description="A use-case category, with its French label.")
class Category:
    code: UseCaseCategory
    label: str = strawberry.field(description="In French, for the dashboards.")

    @classmethod
    def of(cls, category: UseCaseCategory) -> Category:
        return cls(code=category, label=category.label_fr)


@strawberry.type(description="A company that offers AI solutions, listed once by SIREN.")
class Provider(Node):
    id: strawberry.ID
    siren: str
    name: str
    sovereignty: Sovereignty
    sovereign: bool = strawberry.field(description="French or European.")
    listed_by: str
    listed_at: datetime

    @classmethod
    def of(cls, row: ProviderRow) -> Provider:
        return cls(
            id=strawberry.ID(str(row.id)),
            siren=row.siren,
            name=row.name,
            sovereignty=Sovereignty(row.sovereignty),
            sovereign=Sovereignty(row.sovereignty).sovereign,
            listed_by=row.owner,
            listed_at=row.listed_at,
        )


@strawberry.type(description="A turnkey AI solution of the catalogue.")
class Solution(Node):
    id: strawberry.ID
    provider_id: strawberry.ID
    provider_name: str
    provider_siren: str
    name: str
    description: str
    categories: list[UseCaseCategory] = strawberry.field(description="Use-case category codes.")
    sovereignty: Sovereignty = strawberry.field(description="The provider's, when it was listed.")
    sovereign: bool = strawberry.field(description="French or European.")
    turnkey: bool
    status: SolutionStatus
    withdrawn_reason: str | None
    listed_by: str
    listed_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, row: SolutionRow) -> Solution:
        return cls(
            id=strawberry.ID(str(row.id)),
            provider_id=strawberry.ID(str(row.provider_id)),
            provider_name=row.provider_name,
            provider_siren=row.provider_siren,
            name=row.name,
            description=row.description,
            categories=_categories(row.categories),
            sovereignty=Sovereignty(row.sovereignty),
            sovereign=Sovereignty(row.sovereignty).sovereign,
            turnkey=row.turnkey,
            status=SolutionStatus(row.status),
            withdrawn_reason=row.withdrawn_reason,
            listed_by=row.owner,
            listed_at=row.listed_at,
            withdrawn_at=row.withdrawn_at,
        )


@strawberry.type(description="A solution that serves one of a diagnostic's use cases.")
class SolutionMatch:
    use_case_code: UseCaseCategory = strawberry.field(
        description="The use case's code: a solution serves it under that category."
    )
    use_case_title: str
    use_case_rank: int | None = strawberry.field(description="1 = first; null before scoring.")
    solution: Solution

    @classmethod
    def of(cls, match: MatchRow) -> SolutionMatch:
        return cls(
            use_case_code=UseCaseCategory(match.use_case_code),
            use_case_title=match.use_case_title,
            use_case_rank=match.use_case_rank,
            solution=Solution.of(match.solution),
        )


@strawberry.type(description="A company adopted a catalogue solution.")
class Adoption(Node, AboutACompany):
    id: strawberry.ID
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    segment: Segment | None
    solution_id: strawberry.ID
    solution_name: str
    categories: list[UseCaseCategory]
    sovereignty: Sovereignty
    adopted_on: date
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, row: AdoptionRow) -> Adoption:
        return cls(
            id=strawberry.ID(str(row.id)),
            company_id=strawberry.ID(str(row.company_id)),
            company_siren=row.company_siren,
            company_name=row.company_name,
            region=row.region,
            segment=None if row.segment is None else Segment(row.segment),
            solution_id=strawberry.ID(str(row.solution_id)),
            solution_name=row.solution_name,
            categories=_categories(row.categories),
            sovereignty=Sovereignty(row.sovereignty),
            adopted_on=row.adopted_on,
            recorded_by=row.owner,
            recorded_at=row.adopted_at,
        )


register_node("providers", ProviderRow.from_row, Provider.of)
register_node("solutions", SolutionRow.from_row, Solution.of)
register_node("adoptions", AdoptionRow.from_row, Adoption.of)
