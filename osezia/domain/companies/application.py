"""The write API for companies."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.companies.model import AdoptionStage, Company
from osezia.domain.errors import AlreadyRegistered, Conflict
from osezia.domain.geography import (
    check_departement_in_region,
    normalise_departement,
    normalise_region,
)
from osezia.domain.identifiers import normalise_siren, normalise_siret
from osezia.domain.inputs import choice, text
from osezia.domain.naf import normalise_naf
from osezia.domain.sizes import SizeFacts, segment_of, size_category


def _assess(company: Company, facts: SizeFacts) -> None:
    category, basis = size_category(facts)
    company.assess_size(
        category=category.value,
        basis=basis.value,
        segment=segment_of(category).value,
        headcount_uta=facts.headcount_uta,
        turnover_cents=facts.turnover_cents,
        balance_sheet_cents=facts.balance_sheet_cents,
        sirene_category=facts.sirene_category,
        staff_band=facts.staff_band,
    )


class Companies(PlatformApplication):
    """Registers companies, their establishments, size and AI adoption stage."""

    def register_company(
        self,
        tenant: str,
        *,
        siren: str,
        legal_name: str,
        region: str,
        departement: str,
        naf: str,
        size: SizeFacts,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            siren_ = normalise_siren(siren)
            region_ = normalise_region(region)
            departement_ = normalise_departement(departement)
            check_departement_in_region(departement_, region_)
            company = Company(
                tenant=tenant,
                siren=siren_,
                legal_name=text(legal_name, "legal name"),
                region=region_,
                departement=departement_,
                naf=normalise_naf(naf),
            )
            _assess(company, size)
            return company.id, [company]

        arguments = (siren, legal_name, region, departement, naf, size)
        try:
            return self.execute(tenant, idempotency_key, "register_company", arguments, run)
        except Conflict:
            # The id derives from the SIREN, so a second registration conflicts on version 1:
            # exact even when two arrive at once, and no read before the write.
            raise self._already_registered(normalise_siren(siren)) from None

    def reassess_size(
        self,
        tenant: str,
        company_id: UUID,
        size: SizeFacts,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            company = self.load(tenant, company_id, Company, "company")
            _assess(company, size)
            return None, [company]

        self.execute(tenant, idempotency_key, "reassess_size", (company_id, size), run)

    def add_establishment(
        self,
        tenant: str,
        company_id: UUID,
        *,
        siret: str,
        departement: str,
        head_office: bool = False,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            company = self.load(tenant, company_id, Company, "company")
            company.add_establishment(
                normalise_siret(siret), normalise_departement(departement), head_office
            )
            return None, [company]

        arguments = (company_id, siret, departement, head_office)
        self.execute(tenant, idempotency_key, "add_establishment", arguments, run)

    def advance_adoption(
        self,
        tenant: str,
        company_id: UUID,
        *,
        stage: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            stage_ = choice(AdoptionStage, stage, "adoption stage")
            company = self.load(tenant, company_id, Company, "company")
            company.advance_adoption(stage_, on)
            return None, [company]

        self.execute(tenant, idempotency_key, "advance_adoption", (company_id, stage, on), run)

    def company_id_for(self, siren: str) -> UUID:
        return Company.create_id(normalise_siren(siren))

    def get_company(self, tenant: str, company_id: UUID) -> Company:
        return self.load(tenant, company_id, Company, "company")

    @staticmethod
    def _already_registered(siren: str) -> AlreadyRegistered:
        return AlreadyRegistered(
            f"a company with SIREN {siren} is already registered; "
            "ask its network for a referral instead"
        )
