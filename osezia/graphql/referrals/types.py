from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry

from osezia.domain.referrals.model import Purpose as Purpose
from osezia.graphql.enums import register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.referrals import ReferralRow

# This feature's closed sets, as the schema names them.
register_enum(Purpose, "ReferralPurpose", "Why a network shares a company with another.")


class ReferralStatus(StrEnum):
    """A referral's status as the referrals' read model records it (the aggregate knows only
    whether it was revoked)."""

    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


strawberry.enum(
    ReferralStatus,
    name="ReferralStatus",
    description="A referral is ACTIVE until the sharing network REVOKED it.",
)


@strawberry.type(description="A company shared by one network with another, with consent.")
class Referral(Node):
    id: strawberry.ID
    from_network: str
    to_network: str
    company_id: strawberry.ID
    purpose: Purpose
    reason: str
    consent_reference: str
    status: ReferralStatus
    shared_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None

    @classmethod
    def of(cls, row: ReferralRow) -> Referral:
        return cls(
            id=strawberry.ID(str(row.id)),
            from_network=row.from_tenant,
            to_network=row.to_tenant,
            company_id=strawberry.ID(str(row.company_id)),
            purpose=Purpose(row.purpose),
            reason=row.reason,
            consent_reference=row.consent_reference,
            status=ReferralStatus(row.status),
            shared_at=row.shared_at,
            revoked_at=row.revoked_at,
            revoke_reason=row.revoke_reason,
        )


register_node("referrals", ReferralRow.from_row, Referral.of)
