"""The write API for ambassadors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.ambassadors.model import (
    Ambassador,
    AmbassadorKind,
    AmbassadorProfile,
    InterventionFormat,
    Network,
)
from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.geography import normalise_region
from osezia.domain.inputs import choice, text
from osezia.domain.personal import Subject


def _sectors(values: Sequence[str]) -> list[str]:
    # Repeats are dropped, first mention first, so the list reads as it was given.
    return list(dict.fromkeys(text(value, "sector") for value in values))


class Ambassadors(PlatformApplication):
    """Appoints ambassadors, records their interventions and withdraws them."""

    def appoint_ambassador(
        self,
        tenant: str,
        *,
        full_name: str,
        kind: str,
        network: str,
        appointed_on: date,
        region: str | None = None,
        sectors: Sequence[str] = (),
        profile: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            self.happened(appointed_on, "an appointment")
            ambassador = Ambassador.appoint(
                tenant=tenant,
                full_name=text(full_name, "full name"),
                kind=choice(AmbassadorKind, kind, "ambassador kind"),
                network=choice(Network, network, "network"),
                region=None if region is None else normalise_region(region),
                sectors=_sectors(sectors),
                appointed_on=appointed_on,
                profile=None if profile is None else choice(AmbassadorProfile, profile, "profile"),
            )
            return ambassador.id, [ambassador]

        arguments: tuple[object, ...] = (
            full_name,
            kind,
            network,
            appointed_on,
            region,
            list(sectors),
        )
        if profile is not None:  # so that earlier receipts keep their fingerprint
            arguments += (profile,)
        return self.execute(tenant, idempotency_key, Command.APPOINT_AMBASSADOR, arguments, run)

    def record_intervention(
        self,
        tenant: str,
        ambassador_id: UUID,
        *,
        on: date,
        audience: int,
        format: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            format_ = choice(InterventionFormat, format, "intervention format")
            ambassador = self.get_ambassador(tenant, ambassador_id)
            self.happened(on, "an intervention")
            ambassador.record_intervention(on, audience, format_)
            return None, [ambassador]

        arguments = (ambassador_id, on, audience, format)
        self.execute(tenant, idempotency_key, Command.RECORD_INTERVENTION, arguments, run)

    def withdraw_ambassador(
        self,
        tenant: str,
        ambassador_id: UUID,
        *,
        reason: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            ambassador = self.get_ambassador(tenant, ambassador_id)
            self.happened(on, "a withdrawal")
            ambassador.withdraw(text(reason, "withdrawal reason"), on)
            return None, [ambassador]

        arguments = (ambassador_id, reason, on)
        self.execute(tenant, idempotency_key, Command.WITHDRAW_AMBASSADOR, arguments, run)

    def correct_ambassador_name(self, tenant: str, ambassador_id: UUID, *, full_name: str) -> None:
        """Rectification (RGPD art. 16, see ``rectify``): what the ambassador's older keys
        sealed reads « effacé »: the name recorded before, and a withdrawal reason recorded
        before the correction. Another network's ambassador is not found."""
        ambassador = self.get_ambassador(tenant, ambassador_id)
        ambassador.correct_name(text(full_name, "full name"))
        self.rectify(tenant, Command.CORRECT_AMBASSADOR_NAME, Subject.AMBASSADOR, ambassador)

    def get_ambassador(self, tenant: str, ambassador_id: UUID) -> Ambassador:
        return self.load(tenant, ambassador_id, Ambassador, "ambassador")
