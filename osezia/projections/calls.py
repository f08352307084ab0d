"""Calls for projects (public) and the applications filed to them, phase by phase.

Each milestone keeps the recorded time of the event that reached it (`selected_at`, a phase's
`awarded_at` and `gate_at`), so that figures as of a day count what was recorded by its end.
Counts per call are not kept on the call's row: the call's events do not see its applications,
so the figure views count them. The rows as the API reads them, and the SQL that reads them
and the figure views, are in calls_rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from osezia.domain.calls.model import CallForProjects
from osezia.domain.calls.submissions import CallApplication
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import paris_day
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

CALLS = Table(
    "calls",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("code", "text"),
        ("title", "text"),
        ("kind", "text"),
        ("opens_on", "date"),
        ("closes_on", "date"),
        ("phases", "jsonb"),
        ("selection_target", "integer"),
        ("opened_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)

APPLICATIONS = Table(
    "call_applications",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("call_id", "uuid"),
        ("call_code", "text"),
        ("company_id", "uuid"),
        ("company_siren", "text"),
        ("company_name", "text"),
        ("region", "text"),
        ("project_title", "text"),
        ("consortium", "jsonb"),
        ("status", "text"),
        ("phase_count", "integer"),
        ("current_phase", "integer"),
        ("phases", "jsonb"),
        ("awarded_cents", "bigint"),
        ("submitted_on", "date"),
        ("submitted_at", "timestamptz"),
        ("selected_at", "timestamptz"),
        ("rejected_at", "timestamptz"),
        ("reject_reason", "text"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
        ("priority_sector", "text"),
    ),
)


def opened(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "code": data["code"],
        "title": data["title"],
        "kind": data["kind"],
        "opens_on": data["opens_on"],
        "closes_on": data["closes_on"],
        "phases": data["phases"],
        "selection_target": data["selection_target"],
        "opened_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def submitted(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "call_id": data["call_id"],
        "call_code": data["call_code"],
        "company_id": data["company_id"],
        "company_siren": data["company_siren"],
        "company_name": data["company_name"],
        "region": data["region"],
        "project_title": data["project_title"],
        "consortium": data["consortium_sirens"],
        "status": "SUBMITTED",
        "phase_count": len(data["phases"]),
        "current_phase": None,
        "phases": [],
        "awarded_cents": 0,
        "submitted_on": data["submitted_on"],
        "submitted_at": event.timestamp,
        "selected_at": None,
        "rejected_at": None,
        "reject_reason": None,
        "updated_at": event.timestamp,
        "position": event.position,
        "priority_sector": data.get("priority_sector"),  # applications stored before: none
    }


def selected(row: Row, event: StoredEvent) -> Row:
    return touch(row, event, status="SELECTED", selected_at=event.timestamp)


def rejected(row: Row, event: StoredEvent) -> Row:
    reason = event.data["reason"]
    return touch(row, event, status="REJECTED", rejected_at=event.timestamp, reject_reason=reason)


def phase_awarded(row: Row, event: StoredEvent) -> Row:
    data = event.data
    # Dates and times are kept as ISO text in jsonb, as they read back from PostgreSQL.
    award: dict[str, Any] = {
        "phase": data["phase"],
        "amount_cents": data["amount_cents"],
        "months": data["months"],
        "awarded_on": data["on"].isoformat(),
        "awarded_at": event.timestamp.isoformat(),
        "awarded_by": data["by"],
        "gate_passed": None,
        "gate_on": None,
        "gate_at": None,
    }
    return touch(
        row,
        event,
        status=f"IN_PHASE_{data['phase']}",
        current_phase=data["phase"],
        phases=[*row["phases"], award],
        awarded_cents=row["awarded_cents"] + data["amount_cents"],
    )


def gate_evaluated(row: Row, event: StoredEvent) -> Row:
    data = event.data
    phase, passed = data["phase"], data["passed"]
    gate = {
        "gate_passed": passed,
        "gate_on": data["on"].isoformat(),
        "gate_at": event.timestamp.isoformat(),
    }
    phases = [{**p, **gate} if p["phase"] == phase else p for p in row["phases"]]
    last = phase == row["phase_count"]
    status = "ENDED" if not passed else "COMPLETED" if last else f"PHASE_{phase}_PASSED"
    return touch(row, event, status=status, phases=phases)


def call_scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], None, ()


def application_scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


CALL_MODEL = ReadModel(
    kind="call",
    table=CALLS,
    creates={topic(CallForProjects.Opened): opened},
    updates={},
    scope=call_scope,
)
APPLICATION_MODEL = ReadModel(
    kind="call_application",
    table=APPLICATIONS,
    creates={topic(CallApplication.Submitted): submitted},
    updates={
        topic(CallApplication.Selected): selected,
        topic(CallApplication.Rejected): rejected,
        topic(CallApplication.PhaseAwarded): phase_awarded,
        topic(CallApplication.GateEvaluated): gate_evaluated,
    },
    scope=application_scope,
)
MODELS: tuple[ReadModel, ...] = (CALL_MODEL, APPLICATION_MODEL)


def figure_views(region: str | None) -> dict[str, str]:
    """Applications and awards per call, region and day; they name no company."""
    where = f"WHERE a.region = '{region}'" if region else ""
    awarded_at = "(p->>'awarded_at')::timestamptz"
    return {
        "figures_call_applications": (
            "SELECT a.call_code, a.region, a.status, "
            f"{paris_day('a.submitted_at')} AS submitted_day, "
            f"{paris_day('a.selected_at')} AS selected_day, "
            f"{paris_day('a.rejected_at')} AS rejected_day, count(*)::bigint AS applications, "
            "a.priority_sector "
            f"FROM {PLATFORM}.call_applications a {where} "
            "GROUP BY 1, 2, 3, 4, 5, 6, 8"
        ),
        "figures_call_awards": (
            "SELECT a.call_code, a.region, (p->>'phase')::integer AS phase, "
            f"{paris_day(awarded_at)} AS awarded_day, "
            "count(*)::bigint AS awards, "
            "sum((p->>'amount_cents')::bigint)::bigint AS awarded_cents, a.priority_sector "
            f"FROM {PLATFORM}.call_applications a "
            f"CROSS JOIN LATERAL jsonb_array_elements(a.phases) AS p {where} "
            "GROUP BY 1, 2, 3, 4, 7"
        ),
    }
