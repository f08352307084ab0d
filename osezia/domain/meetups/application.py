"""The write API for events (the plan's gatherings; the aggregate is ``Meetup``)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.companies.standing import seen_company
from osezia.domain.errors import InvalidValue
from osezia.domain.geography import normalise_region
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import choice, text
from osezia.domain.meetups.model import Meetup, MeetupKind


class Meetups(PlatformApplication):
    """Schedules events, registers their participants, books meetings, records attendance."""

    def schedule_event(
        self,
        tenant: str,
        *,
        title: str,
        kind: str,
        on: date,
        capacity: int,
        region: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            meetup = Meetup.schedule(
                tenant=tenant,
                title=text(title, "event title"),
                kind=choice(MeetupKind, kind, "event kind"),
                region=None if region is None else normalise_region(region),
                on=on,
                capacity=capacity,
            )
            return meetup.id, [meetup]

        arguments = (title, kind, on, capacity, region)
        return self.execute(tenant, idempotency_key, "schedule_event", arguments, run)

    def register_company(
        self,
        tenant: str,
        event_id: UUID,
        *,
        company_id: UUID,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            seen_company(self, tenant, company_id)
            meetup = self.get_event(tenant, event_id)
            meetup.register_company(company_id)
            return None, [meetup]

        arguments = (event_id, company_id)
        self.execute(tenant, idempotency_key, "register_company", arguments, run)

    def register_provider(
        self,
        tenant: str,
        event_id: UUID,
        *,
        siren: str,
        name: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            meetup = self.get_event(tenant, event_id)
            meetup.register_provider(normalise_siren(siren), text(name, "provider name"))
            return None, [meetup]

        arguments = (event_id, siren, name)
        self.execute(tenant, idempotency_key, "register_provider", arguments, run)

    def book_meeting(
        self,
        tenant: str,
        event_id: UUID,
        *,
        company_id: UUID,
        provider_siren: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            seen_company(self, tenant, company_id)
            meetup = self.get_event(tenant, event_id)
            meetup.book_meeting(company_id, normalise_siren(provider_siren))
            return None, [meetup]

        arguments = (event_id, company_id, provider_siren)
        self.execute(tenant, idempotency_key, "book_meeting", arguments, run)

    def record_attendance(
        self,
        tenant: str,
        event_id: UUID,
        *,
        on: date,
        company_id: UUID | None = None,
        provider_siren: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """Record that one participant, a company or a provider (give exactly one), came."""

        def run() -> tuple[None, list[Aggregate]]:
            if (company_id is None) == (provider_siren is None):
                raise InvalidValue(
                    "attendance is recorded for exactly one participant: "
                    "give either a company id or a provider SIREN"
                )
            if company_id is not None:
                seen_company(self, tenant, company_id)
            meetup = self.get_event(tenant, event_id)
            self.happened(on, "attendance")
            if company_id is not None:
                meetup.record_company_attendance(company_id, on)
            if provider_siren is not None:
                meetup.record_provider_attendance(normalise_siren(provider_siren), on)
            return None, [meetup]

        arguments = (event_id, on, company_id, provider_siren)
        self.execute(tenant, idempotency_key, "record_attendance", arguments, run)

    def cancel_event(
        self,
        tenant: str,
        event_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            meetup = self.get_event(tenant, event_id)
            meetup.cancel(text(reason, "cancellation reason"))
            return None, [meetup]

        self.execute(tenant, idempotency_key, "cancel_event", (event_id, reason), run)

    def get_event(self, tenant: str, event_id: UUID) -> Meetup:
        return self.load(tenant, event_id, Meetup, "event")
