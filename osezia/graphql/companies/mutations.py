from __future__ import annotations

import asyncio
from decimal import Decimal, InvalidOperation

import strawberry

from osezia.domain.errors import DomainError, InvalidValue
from osezia.domain.sizes import SizeFacts
from osezia.graphql.companies.types import Company, RegisterCompanyInput, RegisterCompanyResult
from osezia.graphql.context import Info
from osezia.graphql.errors import Problem


def _headcount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidValue(f"headcount {text!r} must be a number of UTA, such as 12.5") from None


@strawberry.type
class CompanyMutations:
    @strawberry.mutation(description="Register a company (a SIREN) for the caller's network.")
    async def register_company(
        self, info: Info, input: RegisterCompanyInput, idempotency_key: str | None = None
    ) -> RegisterCompanyResult:
        platform, tenant = info.context.platform, info.context.tenant

        def run() -> Company:
            companies = platform.companies
            size = SizeFacts(
                headcount_uta=_headcount(input.headcount_uta),
                turnover_cents=input.turnover_cents,
                balance_sheet_cents=input.balance_sheet_cents,
                sirene_category=input.sirene_category,
                staff_band=input.staff_band,
            )
            company_id = companies.register_company(
                tenant,
                siren=input.siren,
                legal_name=input.legal_name,
                region=input.region,
                departement=input.departement,
                naf=input.naf,
                size=size,
                idempotency_key=idempotency_key,
            )
            return Company.of(companies.get_company(tenant, company_id))

        try:
            return await asyncio.to_thread(run)
        except DomainError as error:
            return Problem.of(error)
