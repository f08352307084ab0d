"""The referrals read model: shares a tenant made or received, with their audit trail."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from osezia.domain.referrals.model import Referral
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import filters
from osezia.projections.connections import Connection
from osezia.projections.paging import Page, page
from osezia.projections.readmodel import ReadModel, topic
from osezia.projections.rows import columns_of, row_of
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

ACTIVE = "ACTIVE"  # a referral's status until it is REVOKED
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
        "status": ACTIVE,
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


@dataclass(frozen=True)
class ReferralRow:
    """A referral as readers see it: the columns of the read model that the API shows."""

    id: UUID
    from_tenant: str
    to_tenant: str
    company_id: UUID
    purpose: str
    reason: str
    consent_reference: str
    status: str
    shared_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ReferralRow:
        """From a row of the referrals view that holds at least READ_COLUMNS."""
        return row_of(cls, row)


READ_COLUMNS = columns_of(ReferralRow)
LIST_ORDER = "shared_at"  # referrals are listed oldest share first (then id)


async def referrals_page(
    conn: Connection,
    tenant: str,
    *,
    received: bool,
    active_only: bool,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[ReferralRow]:
    """One page of the referrals the tenant sent (or, ``received``, was sent), oldest first;
    with ``active_only``, those not revoked. Its rows are ReferralRows, read
    from READ_COLUMNS."""
    conditions = [
        (f"{'to_tenant' if received else 'from_tenant'} = {{}}", tenant),
        ("status = {}", ACTIVE if active_only else None),
    ]
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=LIST_ORDER,
        sort_type="timestamptz",
        of=ReferralRow.from_row,
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )
