from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.events.types import EventKind


@strawberry.type
class EventMutations:
    @strawberry.mutation(
        description="Schedule a MONTHLY_MEETUP (in a region; a regional network's own) or, for "
        "the operator only, a NATIONAL_DAY. An open event (the national day always is) takes "
        "registrations of companies from every network."
    )
    async def schedule_event(
        self,
        info: Info,
        title: str,
        kind: EventKind,
        on: date,
        capacity: int,
        region: str | None = None,
        open: bool = False,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        home_region = info.context.profile.region
        return await run_command(
            info,
            Command.SCHEDULE_EVENT,
            m,
            lambda: m.schedule_event(
                tenant,
                title=title,
                kind=kind,
                on=on,
                capacity=capacity,
                region=region,
                open=open,
                home_region=home_region,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Register a company to an event (within its capacity): to one the network "
        "organises, or to any open event it sees."
    )
    async def register_company_to_event(
        self,
        info: Info,
        event_id: strawberry.ID,
        company_id: strawberry.ID,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        return await run_command(
            info,
            Command.REGISTER_TO_EVENT,
            m,
            lambda: m.register_company(
                tenant,
                uuid_of(event_id, "event"),
                company_id=uuid_of(company_id, "company"),
                home_region=info.context.profile.region,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Register an AI solution provider (by SIREN) to an event.")
    async def register_provider_to_event(
        self,
        info: Info,
        event_id: strawberry.ID,
        siren: str,
        name: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        return await run_command(
            info,
            Command.REGISTER_TO_EVENT,
            m,
            lambda: m.register_provider(
                tenant,
                uuid_of(event_id, "event"),
                siren=siren,
                name=name,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Book a one-to-one meeting between two registered parties.")
    async def book_meeting(
        self,
        info: Info,
        event_id: strawberry.ID,
        company_id: strawberry.ID,
        provider_siren: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        return await run_command(
            info,
            Command.BOOK_MEETING,
            m,
            lambda: m.book_meeting(
                tenant,
                uuid_of(event_id, "event"),
                company_id=uuid_of(company_id, "company"),
                provider_siren=provider_siren,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Record that a company or a provider (exactly one) came to a HELD event."
    )
    async def record_attendance(
        self,
        info: Info,
        event_id: strawberry.ID,
        on: date,
        company_id: strawberry.ID | None = None,
        provider_siren: str | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        return await run_command(
            info,
            Command.RECORD_ATTENDANCE,
            m,
            lambda: m.record_attendance(
                tenant,
                uuid_of(event_id, "event"),
                on=on,
                company_id=uuid_of(company_id, "company") if company_id is not None else None,
                provider_siren=provider_siren,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Record that a SCHEDULED event took place on `on` (not in the future, not "
        "before its day): it becomes HELD, and attendance may be recorded."
    )
    async def hold_event(
        self,
        info: Info,
        event_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        return await run_command(
            info,
            Command.HOLD_EVENT,
            m,
            lambda: m.hold_event(
                tenant, uuid_of(event_id, "event"), on=on, idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation(description="Cancel a SCHEDULED event.")
    async def cancel_event(
        self,
        info: Info,
        event_id: strawberry.ID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        m, tenant = info.context.platform.events, info.context.tenant
        return await run_command(
            info,
            Command.CANCEL_EVENT,
            m,
            lambda: m.cancel_event(
                tenant, uuid_of(event_id, "event"), reason=reason, idempotency_key=idempotency_key
            ),
        )
