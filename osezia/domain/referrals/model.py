"""Referral: a network shares a company with another network, with the company's consent."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.errors import InvalidTransition, InvalidValue
from osezia.domain.personal import PersonalData, personal_data


class Purpose(StrEnum):
    DIAGNOSTIC = "DIAGNOSTIC"  # e.g. a CCI sends a company to Bpifrance for a diagnostic Data IA
    PARTNERSHIP = "PARTNERSHIP"  # e.g. to INRIA for a research partnership
    FINANCING = "FINANCING"
    OTHER = "OTHER"


class Referral(Aggregate):
    """Who shared which company with whom, when and why; revocable, kept as an audit trail."""

    class Shared(Aggregate.Created):
        """A network shared a company with another network, with the company's consent."""

        tenant: str
        company_id: UUID
        to_tenant: str
        purpose: str
        reason: str
        consent_reference: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "to_tenant", "purpose", "reason", "consent_reference")
        )

    class Revoked(Aggregate.Event):
        """The sharing network revoked the referral, with a reason."""

        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    @event(Shared)
    def __init__(
        self,
        tenant: str,
        company_id: UUID,
        to_tenant: str,
        purpose: str,
        reason: str,
        consent_reference: str,
    ) -> None:
        self.tenant = tenant
        self.company_id = company_id
        self.to_tenant = to_tenant
        self.purpose = purpose
        self.reason = reason
        self.consent_reference = consent_reference
        self.revoked = False

    @staticmethod
    def check_share(tenant: str, to_tenant: str, reason: str, consent_reference: str) -> None:
        if to_tenant == tenant:
            raise InvalidValue("a network cannot refer a company to itself")
        if not reason.strip():
            raise InvalidValue("a referral needs a reason the receiving network can read")
        if not consent_reference.strip():
            raise InvalidValue(
                "a referral needs the company's consent: give a consent reference "
                "(the signed form's number, or the date and channel of the agreement)"
            )

    def revoke(self, reason: str) -> None:
        if self.revoked:
            raise InvalidTransition(f"referral {self.id} is already revoked")
        if not reason.strip():
            raise InvalidValue("revoking a referral needs a reason")
        self._revoke(reason)

    @event(Revoked)
    def _revoke(self, reason: str) -> None:
        self.revoked = True
