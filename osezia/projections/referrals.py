"""The referrals read model: shares a tenant made or received, with their audit trail."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.referrals.model import Referral
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import ReadModel, topic
from osezia.projections.table import Row, Table

TABLE = Table(
    "referrals",
    (
        ("id", "uuid"),
        ("from_tenant", "text"),
        ("to_tenant", "text"),
        ("company_id", "uuid"),
        ("purpose", "text"),
        ("reason", "text"),
        ("consent_reference", "text"),
        ("status", "text"),
        ("shared_at", "timestamptz"),
        ("revoked_at", "timestamptz"),
        ("revoke_reason", "text"),
        ("position", "bigint"),
    ),
)

SHARED = topic(Referral.Shared)
REVOKED = topic(Referral.Revoked)


def shared(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "from_tenant": data["tenant"],
        "to_tenant": data["to_tenant"],
        "company_id": data["company_id"],
        "purpose": data["purpose"],
        "reason": data["reason"],
        "consent_reference": data["consent_reference"],
        "status": "ACTIVE",
        "shared_at": event.timestamp,
        "revoked_at": None,
        "revoke_reason": None,
        "position": event.position,
    }


def revoked(row: Row, event: StoredEvent) -> Row:
    row.update(
        status="REVOKED",
        revoked_at=event.timestamp,
        revoke_reason=event.data["reason"],
        position=event.position,
    )
    return row


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["from_tenant"], None, (row["from_tenant"], row["to_tenant"])


MODEL = ReadModel(
    kind="referral",
    table=TABLE,
    creates={SHARED: shared},
    updates={REVOKED: revoked},
    scope=scope,
)
