"""The write API for companies."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.calendar import ANY_TIME
from osezia.domain.commands import Command
from osezia.domain.companies.legal import (
    is_sole_trader,
    normalise_legal_category,
    optional_legal_category,
)
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.companies.standing import own_record, seen_company
from osezia.domain.errors import Conflict
from osezia.domain.geography import (
    check_departement_in_region,
    normalise_departement,
    normalise_region,
)
from osezia.domain.identifiers import normalise_siren, normalise_siret
from osezia.domain.inputs import choice, text
from osezia.domain.naf import NAF_REV2, normalise_naf
from osezia.domain.personal import Subject
from osezia.domain.sizes import SizeFacts, segment_of, size_category

# Two networks registering one SIREN at once: the loser reads the winner's company and follows.
REGISTER_ATTEMPTS = 3


def _assess(company: Company, tenant: str, facts: SizeFacts) -> None:
    category, basis = size_category(facts)
    company.assess_size(
        tenant=tenant,
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
        legal_category: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            siren_ = normalise_siren(siren)
            region_ = normalise_region(region)
            departement_ = normalise_departement(departement)
            check_departement_in_region(departement_, region_)
            facts = {
                "legal_name": text(legal_name, "legal name"),
                "region": region_,
                "departement": departement_,
                "naf": normalise_naf(naf),
                "naf_nomenclature": NAF_REV2,
            }
            category = optional_legal_category(legal_category)
            # Registering a SIREN that other networks follow answers as a first registration
            # does, and tells nothing about them: the caller now follows it too.
            company = self.find(Company.create_id(siren_), Company)
            if company is None:
                company = Company(tenant=tenant, siren=siren_, legal_category=category, **facts)
            else:
                company.follow(tenant, legal_category=category, **facts)
            _assess(company, tenant, size)
            return company.id, [company]

        arguments: tuple[object, ...] = (siren, legal_name, region, departement, naf, size)
        if legal_category is not None:  # a retry of a command sent before it keeps its key
            arguments += (legal_category,)
        for _ in range(REGISTER_ATTEMPTS - 1):
            try:
                return self.execute(
                    tenant, idempotency_key, Command.REGISTER_COMPANY, arguments, run
                )
            except Conflict:
                continue  # another network registered or changed it meanwhile: read it again
        return self.execute(tenant, idempotency_key, Command.REGISTER_COMPANY, arguments, run)

    def reassess_size(
        self,
        tenant: str,
        company_id: UUID,
        size: SizeFacts,
        *,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            own_record(company, tenant)
            _assess(company, tenant, size)
            return None, [company]

        self.execute(tenant, idempotency_key, Command.REASSESS_SIZE, (company_id, size), run)

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
            company = seen_company(self, tenant, company_id)
            own_record(company, tenant)
            company.add_establishment(
                tenant, normalise_siret(siret), normalise_departement(departement), head_office
            )
            return None, [company]

        arguments = (company_id, siret, departement, head_office)
        self.execute(tenant, idempotency_key, Command.ADD_ESTABLISHMENT, arguments, run)

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
            company = seen_company(self, tenant, company_id)
            own_record(company, tenant)
            # A company's own progress may predate the plan; only the future is refused.
            self.happened(on, "an adoption step", since=ANY_TIME)
            company.advance_adoption(tenant, choice(AdoptionStage, stage, "adoption stage"), on)
            return None, [company]

        self.execute(
            tenant, idempotency_key, Command.ADVANCE_ADOPTION, (company_id, stage, on), run
        )

    def record_legal_category(
        self,
        tenant: str,
        company_id: UUID,
        *,
        legal_category: str,
        idempotency_key: str | None = None,
    ) -> None:
        """Record a company's catégorie juridique (1000: a sole trader), which every network
        that sees the company reads: a follower records it, as it registers the company."""

        def run() -> tuple[None, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            own_record(company, tenant)
            company.record_legal_category(normalise_legal_category(legal_category))
            return None, [company]

        self.execute(
            tenant,
            idempotency_key,
            Command.RECORD_LEGAL_CATEGORY,
            (company_id, legal_category),
            run,
        )

    def correct_company_name(self, tenant: str, company_id: UUID, *, legal_name: str) -> None:
        """Correct a company's legal name, by a network that follows it: every network's record
        takes it. A sole trader's name is their own, and so may be one whose catégorie
        juridique is not recorded yet: its correction is a rectification (RGPD art. 16, see
        ``rectify``) under its SIREN's key, whose older generations are destroyed, so that the
        name recorded before reads « effacé » in the company's events and in the records that
        copied it. A personne morale's name is no person's: its correction is recorded (sealed
        under the SIREN's key, as every company's name is) and its history keeps the name
        before. A company the caller does not see is not found."""
        company = seen_company(self, tenant, company_id)
        own_record(company, tenant)
        company.correct_legal_name(text(legal_name, "legal name"))
        command = Command.CORRECT_COMPANY_NAME
        if is_sole_trader(company.legal_category) is False:
            self.execute(tenant, None, command, (company_id,), lambda: (None, [company]))
            return
        self.rectify(tenant, command, Subject.SOLE_TRADER, company, subject_id=company.siren)

    def company_id_for(self, siren: str) -> UUID:
        return Company.create_id(normalise_siren(siren))

    def get_company(self, tenant: str, company_id: UUID) -> Company:
        return seen_company(self, tenant, company_id)
