from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.companies.legal import is_sole_trader
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
    legal_category: str | None = strawberry.field(
        description="The catégorie juridique (INSEE, 4 digits: 1000 entrepreneur individuel, "
        "5710 SAS…); null until a network records it."
    )

    @strawberry.field(
        description="Whether the company is an entrepreneur individuel (catégorie juridique "
        "1000), whose name is a person's; null while its catégorie juridique is unknown."
    )
    def sole_trader(self) -> bool | None:
        return is_sole_trader(self.legal_category)

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
            legal_category=row.legal_category,
        )


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
    legal_category: str | None = strawberry.field(
        default=None,
        description="The catégorie juridique, INSEE's code of 4 digits (1000 for an "
        "entrepreneur individuel), when known.",
    )
