"""State-guaranteed loans: one row per loan, each milestone with the time it was recorded."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.loans.model import Loan
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import ReadModel, topic, touch
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


def _day(column: str) -> str:
    # The day in France the milestone was recorded: figures as of day D count up to its end.
    return f"({column} AT TIME ZONE 'Europe/Paris')::date"


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
            f"{_day('applied_at')} AS applied_day, "
            f"{_day('granted_at')} AS granted_day, "
            f"{_day('disbursed_at')} AS disbursed_day, "
            "count(*)::bigint AS loans, "
            "sum(amount_cents)::bigint AS amount_cents, "
            "coalesce(sum(disbursed_cents), 0)::bigint AS disbursed_cents, "
            f"{_day('refused_at')} AS refused_day "
            f"FROM {PLATFORM}.loans {where} GROUP BY 1, 2, 3, 4, 5, 6, 10"
        )
    }
