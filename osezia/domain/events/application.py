"""The write API for events (the plan's gatherings; the aggregate is ``Event``)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command, Receipt
from osezia.domain.companies.standing import seen_company
from osezia.domain.errors import Forbidden, InvalidValue, NotFound
from osezia.domain.events.model import Event, EventKind, EventRules
from osezia.domain.geography import normalise_region
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import choice, text


class Events(PlatformApplication):
    """Schedules events, registers their participants, books meetings, holds events and
    records attendance."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        rules: EventRules | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with)
        self.rules = rules or EventRules()

    def schedule_event(
        self,
        tenant: str,
        *,
        title: str,
        kind: str,
        on: date,
        capacity: int,
        region: str | None = None,
        open: bool = False,
        home_region: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Schedule an event; ``home_region`` is the caller's region when its profile has one
        (a regional network schedules only there)."""

        def run() -> tuple[UUID, list[Aggregate]]:
            kind_ = choice(EventKind, kind, "event kind")
            region_ = None if region is None else normalise_region(region)
            self.check_organiser(tenant, kind_, region_, home_region)
            event = Event.schedule(
                tenant=tenant,
                title=text(title, "event title"),
                kind=kind_,
                region=region_,
                on=on,
                capacity=capacity,
                open=open,
            )
            return event.id, [event]

        arguments = (title, kind, on, capacity, region, open)
        return self.execute(tenant, idempotency_key, Command.SCHEDULE_EVENT, arguments, run)

    def check_organiser(
        self, tenant: str, kind: EventKind, region: str | None, home_region: str | None
    ) -> None:
        # FORBIDDEN, not INVALID_REGION: the region is a valid one; this caller may not use it.
        organiser = self.rules.national_organiser
        if kind is EventKind.NATIONAL_DAY and tenant != organiser:
            raise Forbidden(
                f"only {organiser}, the plan's operator, schedules the NATIONAL_DAY; "
                f"network {tenant} may schedule a MONTHLY_MEETUP"
            )
        if home_region is None or region is None:
            return
        home_region = normalise_region(home_region)
        if region != home_region:
            raise Forbidden(
                f"network {tenant} works in region {home_region}; "
                f"it cannot schedule an event in region {region}"
            )

    def register_company(
        self,
        tenant: str,
        event_id: UUID,
        *,
        company_id: UUID,
        home_region: str | None = None,
        idempotency_key: str | None = None,
    ) -> None:
        """Register a company the caller sees; ``home_region`` is the caller's region when its
        profile has one (another network's open event outside it does not exist for it)."""

        def run() -> tuple[None, list[Aggregate]]:
            seen_company(self, tenant, company_id)
            event = self.event_taking_registrations(tenant, event_id, home_region)
            event.register_company(company_id, by=tenant)
            return None, [event]

        arguments = (event_id, company_id)
        self.execute(tenant, idempotency_key, Receipt.REGISTER_COMPANY_TO_EVENT, arguments, run)

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
            event = self.get_event(tenant, event_id)
            event.register_provider(normalise_siren(siren), text(name, "provider name"))
            return None, [event]

        arguments = (event_id, siren, name)
        self.execute(tenant, idempotency_key, Receipt.REGISTER_PROVIDER_TO_EVENT, arguments, run)

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
            event = self.get_event(tenant, event_id)
            event.book_meeting(company_id, normalise_siren(provider_siren))
            return None, [event]

        arguments = (event_id, company_id, provider_siren)
        self.execute(tenant, idempotency_key, Command.BOOK_MEETING, arguments, run)

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
            event = self.get_event(tenant, event_id)
            self.happened(on, "attendance")
            if company_id is not None:
                event.record_company_attendance(company_id, on)
            if provider_siren is not None:
                event.record_provider_attendance(normalise_siren(provider_siren), on)
            return None, [event]

        arguments = (event_id, on, company_id, provider_siren)
        self.execute(tenant, idempotency_key, Command.RECORD_ATTENDANCE, arguments, run)

    def hold_event(
        self,
        tenant: str,
        event_id: UUID,
        *,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        """Record that the event took place on ``on`` (not in the future, not before its day)."""

        def run() -> tuple[None, list[Aggregate]]:
            event = self.get_event(tenant, event_id)
            event.hold(self.happened(on, "a held event"))
            return None, [event]

        self.execute(tenant, idempotency_key, Command.HOLD_EVENT, (event_id, on), run)

    def cancel_event(
        self,
        tenant: str,
        event_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            event = self.get_event(tenant, event_id)
            event.cancel(text(reason, "cancellation reason"))
            return None, [event]

        self.execute(tenant, idempotency_key, Command.CANCEL_EVENT, (event_id, reason), run)

    def get_event(self, tenant: str, event_id: UUID) -> Event:
        return self.load(tenant, event_id, Event, "event")

    def event_taking_registrations(
        self, tenant: str, event_id: UUID, home_region: str | None = None
    ) -> Event:
        """The event, if ``tenant`` organises it, or sees it and it is open.

        Another network's event that is not open, or not in the caller's region, answers as
        one that does not exist.
        """
        event = self.find(event_id, Event)
        home = None if home_region is None else normalise_region(home_region)
        if (
            event is None
            or not event.takes_registrations_from(tenant, home)
            or not self.networks.sees(tenant, "event", event.tenant, event.region, ())
        ):
            raise NotFound(f"no event with id {event_id}")
        return event
