from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.domain.companies.model import Company as CompanyAggregate
from osezia.graphql.errors import Problem
from osezia.graphql.scalars import Cents
from osezia.projections.companies import CompanyRow


@strawberry.type
class AdoptionStep:
    stage: str
    on: date


@strawberry.type(description="A company (legal unit), identified by its SIREN.")
class Company:
    id: strawberry.ID
    siren: str
    legal_name: str
    region: str
    departement: str
    naf: str
    size_category: str | None
    size_basis: str | None
    segment: str | None
    adoption_stage: str
    adoption_history: list[AdoptionStep]

    @classmethod
    def of(cls, company: CompanyAggregate) -> Company:
        return cls(
            id=strawberry.ID(str(company.id)),
            siren=company.siren,
            legal_name=company.legal_name,
            region=company.region,
            departement=company.departement,
            naf=company.naf,
            size_category=company.size_category,
            size_basis=company.size_basis,
            segment=company.segment,
            adoption_stage=company.adoption_stage.value,
            adoption_history=[AdoptionStep(stage=s, on=d) for s, d in company.adoption_history],
        )


@strawberry.type(description="A company as the caller's network sees it in its read models.")
class CompanySummary:
    id: strawberry.ID
    siren: str
    legal_name: str
    owner: str
    region: str
    departement: str
    naf: str
    naf_section: str
    size_category: str | None
    size_basis: str | None
    segment: str | None
    adoption_stage: str
    adoption_changed_on: date | None
    shared_with_us: bool

    @classmethod
    def of(cls, row: CompanyRow) -> CompanySummary:
        return cls(
            id=strawberry.ID(str(row.id)),
            siren=row.siren,
            legal_name=row.legal_name,
            owner=row.owner,
            region=row.region,
            departement=row.departement,
            naf=row.naf,
            naf_section=row.naf_section,
            size_category=row.size_category,
            size_basis=row.size_basis,
            segment=row.segment,
            adoption_stage=row.adoption_stage,
            adoption_changed_on=row.adoption_changed_on,
            shared_with_us=row.shared,
        )


@strawberry.input
class RegisterCompanyInput:
    siren: str
    legal_name: str
    region: str
    departement: str
    naf: str
    headcount_uta: str | None = None
    turnover_cents: Cents | None = None
    balance_sheet_cents: Cents | None = None
    sirene_category: str | None = None
    staff_band: str | None = None


RegisterCompanyResult = Annotated[Company | Problem, strawberry.union("RegisterCompanyResult")]
