"""State-guaranteed loans: one row per loan, each milestone with the time it was recorded."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.domain.loans.model import Loan
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import between, filters, paris_day
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.rows import columns_of, row_of
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

TABLE = Table(
    "loans",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("company_id", "uuid"),
        ("company_siren", "text"),
        ("company_name", "text"),
        ("region", "text"),
        ("segment", "text"),
        ("size_category", "text"),
        ("status", "text"),
        ("amount_cents", "bigint"),
        ("term_months", "integer"),
        ("purpose", "text"),
        ("applied_on", "date"),
        ("applied_at", "timestamptz"),
        ("guarantee_share_basis_points", "integer"),
        ("granted_on", "date"),
        ("granted_at", "timestamptz"),
        ("refused_on", "date"),
        ("refused_at", "timestamptz"),
        ("refuse_reason", "text"),
        ("disbursed_cents", "bigint"),
        ("disbursed_on", "date"),
        ("disbursed_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def applied(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "company_id": data["company_id"],
        "company_siren": data["company_siren"],
        "company_name": data["company_name"],
        "region": data["region"],
        "segment": data["segment"],
        "size_category": data["size_category"],
        "status": "APPLIED",
        "amount_cents": data["amount_cents"],
        "term_months": data["term_months"],
        "purpose": data["purpose"],
        "applied_on": data["on"],
        "applied_at": event.timestamp,
        "guarantee_share_basis_points": None,
        "granted_on": None,
        "granted_at": None,
        "refused_on": None,
        "refused_at": None,
        "refuse_reason": None,
        "disbursed_cents": None,
        "disbursed_on": None,
        "disbursed_at": None,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def guarantee_granted(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        status="GRANTED",
        guarantee_share_basis_points=event.data["guarantee_share_basis_points"],
        granted_on=event.data["on"],
        granted_at=event.timestamp,
    )


def guarantee_refused(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        status="REFUSED",
        refused_on=event.data["on"],
        refused_at=event.timestamp,
        refuse_reason=event.data["reason"],
    )


def disbursed(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        status="DISBURSED",
        disbursed_cents=event.data["amount_cents"],
        disbursed_on=event.data["on"],
        disbursed_at=event.timestamp,
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="loan",
    table=TABLE,
    creates={topic(Loan.Applied): applied},
    updates={
        topic(Loan.GuaranteeGranted): guarantee_granted,
        topic(Loan.GuaranteeRefused): guarantee_refused,
        topic(Loan.Disbursed): disbursed,
    },
    scope=scope,
)

MODELS: tuple[ReadModel, ...] = (MODEL,)


def figure_views(region: str | None) -> dict[str, str]:
    """Loans counted by region, segment, status and the days each milestone was recorded.

    Every milestone has its day, so that the status a loan had at the end of any day can be
    told again: DISBURSED from `disbursed_day`, else GRANTED from `granted_day`, else REFUSED
    from `refused_day`, else APPLIED. `refused_day` comes last: CREATE OR REPLACE VIEW may only
    add columns at the end."""
    where = f"WHERE region = '{region}'" if region else ""
    return {
        "figures_loans": (
            "SELECT region, segment, status, "
            f"{paris_day('applied_at')} AS applied_day, "
            f"{paris_day('granted_at')} AS granted_day, "
            f"{paris_day('disbursed_at')} AS disbursed_day, "
            "count(*)::bigint AS loans, "
            "sum(amount_cents)::bigint AS amount_cents, "
            "coalesce(sum(disbursed_cents), 0)::bigint AS disbursed_cents, "
            f"{paris_day('refused_at')} AS refused_day "
            f"FROM {PLATFORM}.loans {where} GROUP BY 1, 2, 3, 4, 5, 6, 10"
        )
    }


@dataclass(frozen=True)
class LoanRow:
    """A loan as readers see it: the columns of the read model that the API shows."""

    id: UUID
    owner: str
    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    segment: str | None
    size_category: str
    status: str
    amount_cents: int
    term_months: int
    purpose: str
    applied_on: date
    applied_at: datetime
    guarantee_share_basis_points: int | None
    granted_on: date | None
    granted_at: datetime | None
    refused_on: date | None
    refused_at: datetime | None
    refuse_reason: str | None
    disbursed_cents: int | None
    disbursed_on: date | None
    disbursed_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> LoanRow:
        """From a row of the loans view that holds at least READ_COLUMNS."""
        return row_of(cls, row)


READ_COLUMNS = columns_of(LoanRow)
LIST_ORDER = "applied_at"  # loans are listed oldest application first (then id)


async def loans_page(
    conn: Connection,
    tenant: str,
    *,
    status: str | None,
    region: str | None,
    granted: tuple[date | None, date | None],
    disbursed: tuple[date | None, date | None],
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[LoanRow]:
    """One page of the loans the tenant sees, oldest first; a filter left None is not applied,
    and each period is [from, until] by the milestone's date (either bound None for none). Its
    rows hold READ_COLUMNS: LoanRow.from_row reads them."""
    conditions = [
        ("status = {}", status),
        ("region = {}", region),
        *between("granted_on", *granted),
        *between("disbursed_on", *disbursed),
    ]
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=LIST_ORDER,
        sort_type="timestamptz",
        of=LoanRow.from_row,
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )


@dataclass(frozen=True)
class LoanCount:
    """Loans of a region and segment, with the status they had at the end of a day and the
    days their milestones were recorded (None: not by then)."""

    region: str
    segment: str | None
    status: str
    applied_day: date
    granted_day: date | None
    disbursed_day: date | None
    refused_day: date | None
    loans: int
    amount_cents: int
    disbursed_cents: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> LoanCount:
        return row_of(cls, row)


# A loan as it stood at the end of day $1: only the milestones recorded by then, and the status
# the last of them gave. A loan is GRANTED or REFUSED once (both from APPLIED), then DISBURSED
# (from GRANTED): no other status.
_LOAN_FIGURES = (
    "SELECT region, segment, "
    "CASE WHEN disbursed_day <= $1 THEN 'DISBURSED' WHEN granted_day <= $1 THEN 'GRANTED' "
    "WHEN refused_day <= $1 THEN 'REFUSED' ELSE 'APPLIED' END AS status, "
    "applied_day, "
    "CASE WHEN granted_day <= $1 THEN granted_day END AS granted_day, "
    "CASE WHEN disbursed_day <= $1 THEN disbursed_day END AS disbursed_day, "
    "CASE WHEN refused_day <= $1 THEN refused_day END AS refused_day, "
    "sum(loans)::bigint AS loans, sum(amount_cents)::bigint AS amount_cents, "
    "coalesce(sum(disbursed_cents) FILTER (WHERE disbursed_day <= $1), 0)::bigint "
    "AS disbursed_cents "
    'FROM "{schema}".figures_loans WHERE applied_day <= $1 '
    # By position: a name in GROUP BY would mean the view's column, not the one as of $1.
    "GROUP BY 1, 2, 3, 4, 5, 6, 7 "
    "ORDER BY region, segment, status, applied_day, granted_day, disbursed_day, refused_day"
)


async def loan_counts(conn: Connection, tenant: str, day: date) -> list[LoanCount]:
    """The loans the tenant's figure view counts, as they stood at the end of ``day``."""
    records = await conn.fetch(_LOAN_FIGURES.format(schema=stable_schema(tenant)), day)
    return [LoanCount.from_row(dict(r)) for r in records]
