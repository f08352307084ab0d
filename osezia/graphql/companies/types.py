from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from osezia.domain.naf import NAF_REV2, naf_label
from osezia.graphql.enums import AdoptionStage, Segment, SizeBasis, SizeCategory
from osezia.graphql.node import Node
from osezia.graphql.scalars import Cents
from osezia.projections.companies import CompanyRow


@strawberry.type(description="A company (a SIREN) as the caller's network sees it.")
class Company(Node):
    id: strawberry.ID
    siren: str
    legal_name: str
    owner: str
    region: str
    departement: str
    naf: str
    naf_section: str = strawberry.field(description="The NAF section letter, A to U.")
    size_category: SizeCategory | None
    size_basis: SizeBasis | None
    segment: Segment | None
    adoption_stage: AdoptionStage
    adoption_changed_on: date | None
    shared_with_us: bool

    @strawberry.field(
        description="INSEE's label of the NAF code (« Programmation informatique » for 62.01Z); "
        "null for a code recorded before codes were checked and that INSEE does not list."
    )
    def naf_label(self) -> str | None:
        return naf_label(self.naf)

    @strawberry.field(
        description="The nomenclature of the NAF code, as SIRENE names it: NAFRev2 for every "
        "code today."
    )
    def naf_nomenclature(self) -> str:
        return NAF_REV2

    @classmethod
    def of(cls, row: CompanyRow) -> Company:
        return cls(
            id=strawberry.ID(str(row.id)),
            siren=row.siren,
            legal_name=row.legal_name,
            owner=row.owner,
            region=row.region,
            departement=row.departement,
            naf=row.naf,
            naf_section=row.naf_section,
            size_category=None if row.size_category is None else SizeCategory(row.size_category),
            size_basis=None if row.size_basis is None else SizeBasis(row.size_basis),
            segment=None if row.segment is None else Segment(row.segment),
            adoption_stage=AdoptionStage(row.adoption_stage),
            adoption_changed_on=row.adoption_changed_on,
            shared_with_us=row.shared,
        )


def recorded_before(row: dict[str, Any], cutoff: datetime) -> dict[str, Any]:
    """A company's row as it stood at the cutoff: the segment and the adoption stage its
    histories give then. The read model keeps only the latest size category: it is shown when
    no assessment came after the cutoff, null otherwise."""
    row = dict(row)
    segments = _before(row["segment_history"], cutoff)
    if len(segments) < len(row["segment_history"]):
        row["size_category"] = row["size_basis"] = None
        row["segment"] = segments[-1]["segment"] if segments else None
    stages = _before(row["adoption_history"], cutoff)
    if len(stages) < len(row["adoption_history"]):
        row["adoption_stage"] = stages[-1]["stage"] if stages else "NONE"
        row["adoption_changed_on"] = date.fromisoformat(stages[-1]["on"]) if stages else None
    return row


def _before(history: list[dict[str, Any]], cutoff: datetime) -> list[dict[str, Any]]:
    return [step for step in history if datetime.fromisoformat(step["at"]) < cutoff]


@strawberry.input(description="What is known of the company's size; money in euro cents.")
class SizeInput:
    headcount_uta: str | None = None
    turnover_cents: Cents | None = None
    balance_sheet_cents: Cents | None = None
    sirene_category: str | None = None
    staff_band: str | None = None


@strawberry.input
class RegisterCompanyInput:
    siren: str
    legal_name: str
    region: str
    departement: str
    naf: str
    size: SizeInput
