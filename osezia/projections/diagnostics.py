"""Diagnostics Data IA: status, expert days, prioritised use cases, co-financing. Its rows as
the API reads them, and the SQL that reads them, are in diagnostics_rows."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.diagnostics.model import Diagnostic
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table

TABLE = Table(
    "diagnostics",
    (
        ("id", "uuid"),
        ("company_id", "uuid"),
        ("company_siren", "text"),
        ("company_name", "text"),
        ("region", "text"),
        ("segment", "text"),
        ("owner", "text"),
        ("status", "text"),
        ("eligible", "boolean"),
        ("size_category", "text"),
        ("expert", "text"),
        ("expert_days_logged", "integer"),
        ("expert_days_cap", "integer"),
        ("use_cases", "jsonb"),
        ("report_delivered_on", "date"),
        ("price_cents", "bigint"),
        ("state_share_basis_points", "integer"),
        ("cofinancing_cents", "bigint"),
        ("cancel_reason", "text"),
        ("requested_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
        ("report_delivered_at", "timestamptz"),
        ("cofinanced_at", "timestamptz"),
        ("cancelled_at", "timestamptz"),
        ("status_history", "jsonb"),
    ),
)


def requested(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "company_id": data["company_id"],
        "company_siren": data["company_siren"],
        "company_name": data["company_name"],
        "region": data["region"],
        "segment": data["segment"],
        "owner": data["tenant"],
        "status": "REQUESTED",
        "eligible": None,
        "size_category": None,
        "expert": None,
        "expert_days_logged": 0,
        "expert_days_cap": data["expert_days_cap"],
        "use_cases": [],
        "report_delivered_on": None,
        "price_cents": None,
        "state_share_basis_points": None,
        "cofinancing_cents": None,
        "cancel_reason": None,
        "requested_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
        "report_delivered_at": None,
        "cofinanced_at": None,
        "cancelled_at": None,
        "status_history": [_step("REQUESTED", event)],
    }


def _step(status: str, event: StoredEvent) -> dict[str, str]:
    return {"status": status, "at": event.timestamp.isoformat()}


def moved(row: Row, event: StoredEvent, status: str, **changes: object) -> Row:
    """A change of status, kept in the status history with its recorded time."""
    history = [*row["status_history"], _step(status, event)]
    return touch(row, event, status=status, status_history=history, **changes)


def eligibility_checked(row: Row, event: StoredEvent) -> Row:
    eligible = event.data["eligible"]
    return moved(
        row,
        event,
        "ELIGIBLE" if eligible else "INELIGIBLE",
        eligible=eligible,
        size_category=event.data["size_category"],
    )


def expert_assigned(row: Row, event: StoredEvent) -> Row:
    return moved(row, event, "EXPERT_ASSIGNED", expert=event.data["expert"])


def expert_corrected(row: Row, event: StoredEvent) -> Row:
    # A correction is no step: the status and its history stay as they were.
    return touch(row, event, expert=event.data["expert"])


def expert_days_logged(row: Row, event: StoredEvent) -> Row:
    return touch(row, event, expert_days_logged=row["expert_days_logged"] + event.data["days"])


def inventory_delivered(row: Row, event: StoredEvent) -> Row:
    return moved(row, event, "INVENTORY_DELIVERED")


def use_cases_identified(row: Row, event: StoredEvent) -> Row:
    use_cases = [
        {"code": u["code"], "title": u["title"], "rank": None, "value": None, "feasibility": None}
        for u in event.data["use_cases"]
    ]
    return moved(row, event, "USE_CASES_IDENTIFIED", use_cases=use_cases)


def use_cases_prioritised(row: Row, event: StoredEvent) -> Row:
    """Use cases in priority order, each with its scores and rank (1 = first)."""
    titles = {u["code"]: u["title"] for u in row["use_cases"]}
    scores = event.data["scores"]
    ranked = [
        {
            "code": code,
            "title": titles.get(code, code),
            "rank": rank,
            "value": scores[code]["value"],
            "feasibility": scores[code]["feasibility"],
        }
        for rank, code in enumerate(event.data["ranking"], 1)
    ]
    return moved(row, event, "USE_CASES_PRIORITISED", use_cases=ranked)


def report_delivered(row: Row, event: StoredEvent) -> Row:
    return moved(
        row,
        event,
        "REPORT_DELIVERED",
        report_delivered_on=event.data["on"],
        report_delivered_at=event.timestamp,
    )


def cofinancing_paid(row: Row, event: StoredEvent) -> Row:
    data = event.data
    return moved(
        row,
        event,
        "COFINANCING_PAID",
        price_cents=data["price_cents"],
        state_share_basis_points=data["state_share_basis_points"],
        cofinancing_cents=data["amount_cents"],
        cofinanced_at=event.timestamp,
    )


def cancelled(row: Row, event: StoredEvent) -> Row:
    return moved(
        row,
        event,
        "CANCELLED",
        cancel_reason=event.data["reason"],
        cancelled_at=event.timestamp,
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="diagnostic",
    table=TABLE,
    creates={topic(Diagnostic.Requested): requested},
    updates={
        topic(Diagnostic.EligibilityChecked): eligibility_checked,
        topic(Diagnostic.ExpertAssigned): expert_assigned,
        topic(Diagnostic.ExpertCorrected): expert_corrected,
        topic(Diagnostic.ExpertDaysLogged): expert_days_logged,
        topic(Diagnostic.InventoryDelivered): inventory_delivered,
        topic(Diagnostic.UseCasesIdentified): use_cases_identified,
        topic(Diagnostic.UseCasesPrioritised): use_cases_prioritised,
        topic(Diagnostic.ReportDelivered): report_delivered,
        topic(Diagnostic.CofinancingPaid): cofinancing_paid,
        topic(Diagnostic.Cancelled): cancelled,
    },
    scope=scope,
)
