"""The plan's budget envelope: allocations, overruns, and every commitment and payment made."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.budget.model import Envelope
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

TABLE = Table(
    "budget",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("total_cents", "bigint"),
        ("allocations", "jsonb"),
        ("overruns", "jsonb"),
        ("movements", "jsonb"),
        ("committed_cents", "bigint"),
        ("paid_cents", "bigint"),
        ("opened_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def opened(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "total_cents": data["total_cents"],
        "allocations": dict(data["allocations"]),
        "overruns": dict.fromkeys(data["allocations"], 0),
        "movements": [],
        "committed_cents": 0,
        "paid_cents": 0,
        "opened_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def _movement(kind: str, reference: str, event: StoredEvent) -> dict[str, object]:
    """One line of the envelope's history; `at` is when it was recorded."""
    return {
        "kind": kind,
        "measure": event.data["measure"],
        "reference": reference,
        "amount_cents": event.data["amount_cents"],
        "on": event.data["on"].isoformat(),
        "at": event.timestamp.isoformat(),
    }


def funds_committed(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        movements=[*row["movements"], _movement("COMMITMENT", event.data["reference"], event)],
        committed_cents=row["committed_cents"] + event.data["amount_cents"],
    )


def funds_paid(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        movements=[*row["movements"], _movement("PAYMENT", event.data["reference"], event)],
        paid_cents=row["paid_cents"] + event.data["amount_cents"],
    )


def overrun_authorised(row: Row, event: StoredEvent) -> Row:
    measure, amount = event.data["measure"], event.data["amount_cents"]
    decision = event.data["decision_reference"]
    overruns = dict(row["overruns"])
    overruns[measure] = overruns.get(measure, 0) + amount
    return touch(
        row,
        event,
        movements=[*row["movements"], _movement("OVERRUN", decision, event)],
        overruns=overruns,
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], None, ()


MODEL = ReadModel(
    kind="budget",
    table=TABLE,
    creates={topic(Envelope.Opened): opened},
    updates={
        topic(Envelope.FundsCommitted): funds_committed,
        topic(Envelope.FundsPaid): funds_paid,
        topic(Envelope.OverrunAuthorised): overrun_authorised,
    },
    scope=scope,
)

MODELS: tuple[ReadModel, ...] = (MODEL,)


def figure_views(region: str | None) -> dict[str, str]:
    """The envelope by measure (with the day it was opened), and its movements summed by
    measure, kind and the day they were recorded (in Paris). The budget is national: the region
    is ignored."""
    return {
        "figures_budget": (
            "SELECT a.key AS measure, a.value::bigint AS allocated_cents, "
            "coalesce((b.overruns ->> a.key)::bigint, 0) AS overrun_cents, "
            "(b.opened_at AT TIME ZONE 'Europe/Paris')::date AS opened_day "
            f"FROM {PLATFORM}.budget b CROSS JOIN LATERAL jsonb_each_text(b.allocations) a"
        ),
        "figures_budget_movements": (
            "SELECT m ->> 'measure' AS measure, m ->> 'kind' AS kind, "
            "((m ->> 'at')::timestamptz AT TIME ZONE 'Europe/Paris')::date AS day, "
            "sum((m ->> 'amount_cents')::bigint)::bigint AS amount_cents "
            f"FROM {PLATFORM}.budget b CROSS JOIN LATERAL jsonb_array_elements(b.movements) m "
            "GROUP BY 1, 2, 3"
        ),
    }
