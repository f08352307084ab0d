from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.domain.sizes import SizeFacts
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.companies.types import RegisterCompanyInput, SizeInput
from osezia.graphql.context import Info
from osezia.graphql.enums import AdoptionStage
from osezia.graphql.scalars import decimal_of


def _size(size: SizeInput) -> SizeFacts:
    headcount = size.headcount_uta
    return SizeFacts(
        headcount_uta=None
        if headcount is None
        else decimal_of(headcount, "headcount", "12.5 (UTA)"),
        turnover_cents=size.turnover_cents,
        balance_sheet_cents=size.balance_sheet_cents,
        sirene_category=size.sirene_category,
        staff_band=size.staff_band,
    )


@strawberry.type
class CompanyMutations:
    @strawberry.mutation(description="Register a company (a SIREN) for the caller's network.")
    async def register_company(
        self, info: Info, input: RegisterCompanyInput, idempotency_key: str | None = None
    ) -> CommandResult:
        companies, tenant = info.context.platform.companies, info.context.tenant
        return await run_command(
            info,
            Command.REGISTER_COMPANY,
            companies,
            lambda: companies.register_company(
                tenant,
                siren=input.siren,
                legal_name=input.legal_name,
                region=input.region,
                departement=input.departement,
                naf=input.naf,
                size=_size(input.size),
                legal_category=input.legal_category,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record new size facts; the category is computed again.")
    async def reassess_size(
        self,
        info: Info,
        company_id: strawberry.ID,
        size: SizeInput,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        companies, tenant = info.context.platform.companies, info.context.tenant
        return await run_command(
            info,
            Command.REASSESS_SIZE,
            companies,
            lambda: companies.reassess_size(
                tenant,
                uuid_of(company_id, "company"),
                _size(size),
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Add an establishment (SIRET) to a company.")
    async def add_establishment(
        self,
        info: Info,
        company_id: strawberry.ID,
        siret: str,
        departement: str,
        head_office: bool = False,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        companies, tenant = info.context.platform.companies, info.context.tenant
        return await run_command(
            info,
            Command.ADD_ESTABLISHMENT,
            companies,
            lambda: companies.add_establishment(
                tenant,
                uuid_of(company_id, "company"),
                siret=siret,
                departement=departement,
                head_office=head_office,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Move a company's AI adoption stage forward.")
    async def advance_adoption(
        self,
        info: Info,
        company_id: strawberry.ID,
        stage: AdoptionStage,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        companies, tenant = info.context.platform.companies, info.context.tenant
        return await run_command(
            info,
            Command.ADVANCE_ADOPTION,
            companies,
            lambda: companies.advance_adoption(
                tenant,
                uuid_of(company_id, "company"),
                stage=stage,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Record a company's catégorie juridique (INSEE, 4 digits; 1000: an "
        "entrepreneur individuel), which every network that sees the company reads."
    )
    async def record_legal_category(
        self,
        info: Info,
        company_id: strawberry.ID,
        legal_category: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        companies, tenant = info.context.platform.companies, info.context.tenant
        return await run_command(
            info,
            Command.RECORD_LEGAL_CATEGORY,
            companies,
            lambda: companies.record_legal_category(
                tenant,
                uuid_of(company_id, "company"),
                legal_category=legal_category,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Correct a company's legal name, for every network that follows it; only "
        "a follower may. A sole trader's name (catégorie juridique 1000) is a person's, and so "
        "may be one whose category is not recorded: its correction is a rectification (RGPD "
        "art. 16), the name recorded before reads « effacé » from then on, in the company's "
        "events and lists and in the records that copied it. A personne morale's name is no "
        "person's: it is sealed like every company's name, but its correction keeps the name "
        "before in the company's history. No idempotency key: correcting twice to the same "
        "name is INVALID_VALUE the second time."
    )
    async def correct_company_name(
        self, info: Info, company_id: strawberry.ID, legal_name: str
    ) -> CommandResult:
        companies, tenant = info.context.platform.companies, info.context.tenant
        return await run_command(
            info,
            Command.CORRECT_COMPANY_NAME,
            companies,
            lambda: companies.correct_company_name(
                tenant, uuid_of(company_id, "company"), legal_name=legal_name
            ),
        )
