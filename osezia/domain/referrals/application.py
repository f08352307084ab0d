"""The write API for referrals between networks."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.companies.model import Company
from osezia.domain.companies.standing import own_record, seen_company
from osezia.domain.errors import NotFound
from osezia.domain.inputs import choice
from osezia.domain.referrals.model import Purpose, Referral


class Referrals(PlatformApplication):
    """Shares companies between networks and revokes the shares."""

    def share_company(
        self,
        tenant: str,
        company_id: UUID,
        *,
        to_tenant: str,
        purpose: str,
        reason: str,
        consent_reference: str,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            # Only a network that follows the company may share its record on.
            company = seen_company(self, tenant, company_id)
            own_record(company, tenant)
            purpose_ = choice(Purpose, purpose, "purpose")
            Referral.check_share(tenant, to_tenant, reason, consent_reference)
            # A share to a slug no live network holds would come alive with the network that
            # takes that slug one day: refused, as a share to a suspended network is.
            if not self.networks.is_live(self, to_tenant):
                raise NotFound(f"no active partner network {to_tenant!r} to refer the company to")
            referral = Referral(
                tenant=tenant,
                company_id=company_id,
                to_tenant=to_tenant,
                purpose=purpose_.value,
                reason=reason.strip(),
                consent_reference=consent_reference.strip(),
            )
            company.refer(referral.id, tenant, to_tenant)
            return referral.id, [referral, company]

        arguments = (company_id, to_tenant, purpose, reason, consent_reference)
        return self.execute(tenant, idempotency_key, Command.SHARE_COMPANY, arguments, run)

    def revoke_referral(
        self,
        tenant: str,
        referral_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            referral = self.load(tenant, referral_id, Referral, "referral")
            referral.revoke(reason)
            company = self.find(referral.company_id, Company)
            if company is None:
                return None, [referral]
            company.end_referral(referral.id)
            return None, [referral, company]

        self.execute(tenant, idempotency_key, Command.REVOKE_REFERRAL, (referral_id, reason), run)

    def get_referral(self, tenant: str, referral_id: UUID) -> Referral:
        return self.load(tenant, referral_id, Referral, "referral")
