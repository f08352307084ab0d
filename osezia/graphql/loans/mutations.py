from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.scalars import Cents


@strawberry.type
class LoansMutations:
    @strawberry.mutation(description="Apply for a state-guaranteed loan for a PME or an ETI.")
    async def apply_for_loan(
        self,
        info: Info,
        company_id: strawberry.ID,
        amount_cents: Cents,
        term_months: int,
        purpose: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        loans, tenant = info.context.platform.loans, info.context.tenant
        return await run_command(
            info,
            Command.APPLY_FOR_LOAN,
            loans,
            lambda: loans.apply_for_loan(
                tenant,
                company_id=uuid_of(company_id, "company"),
                amount_cents=amount_cents,
                term_months=term_months,
                purpose=purpose,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Grant the guarantee (Bpifrance), for the share in force.")
    async def grant_guarantee(
        self,
        info: Info,
        loan_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        loans, tenant = info.context.platform.loans, info.context.tenant
        return await run_command(
            info,
            Command.GRANT_GUARANTEE,
            loans,
            lambda: loans.grant_guarantee(
                tenant, uuid_of(loan_id, "loan"), on=on, idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation(description="Refuse the guarantee (Bpifrance), with a reason.")
    async def refuse_guarantee(
        self,
        info: Info,
        loan_id: strawberry.ID,
        on: date,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        loans, tenant = info.context.platform.loans, info.context.tenant
        return await run_command(
            info,
            Command.REFUSE_GUARANTEE,
            loans,
            lambda: loans.refuse_guarantee(
                tenant,
                uuid_of(loan_id, "loan"),
                on=on,
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record the disbursement, at most the amount applied for.")
    async def disburse_loan(
        self,
        info: Info,
        loan_id: strawberry.ID,
        amount_cents: Cents,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        loans, tenant = info.context.platform.loans, info.context.tenant
        return await run_command(
            info,
            Command.DISBURSE_LOAN,
            loans,
            lambda: loans.disburse_loan(
                tenant,
                uuid_of(loan_id, "loan"),
                amount_cents=amount_cents,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )
