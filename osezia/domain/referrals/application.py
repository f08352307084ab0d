"""The write API for referrals between networks."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.application import PlatformApplication
from osezia.domain.companies.model import Company
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
            purpose_ = choice(Purpose, purpose, "purpose")
            # Only the company's own network may share it on.
            company = self.find(company_id, Company)
            if company is None or company.tenant != tenant:
                raise NotFound(f"no company with id {company_id}")
            Referral.check_share(tenant, to_tenant, reason, consent_reference)
            referral = Referral(
                tenant=tenant,
                company_id=company_id,
                to_tenant=to_tenant,
                purpose=purpose_.value,
                reason=reason.strip(),
                consent_reference=consent_reference.strip(),
            )
            return referral.id, [referral]

        arguments = (company_id, to_tenant, purpose, reason, consent_reference)
        return self.execute(tenant, idempotency_key, "share_company", arguments, run)

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
            return None, [referral]

        self.execute(tenant, idempotency_key, "revoke_referral", (referral_id, reason), run)

    def get_referral(self, tenant: str, referral_id: UUID) -> Referral:
        return self.load(tenant, referral_id, Referral, "referral")
