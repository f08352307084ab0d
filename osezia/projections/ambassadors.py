"""The ambassadors directory: public reference data, within a regional network's region."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.ambassadors.model import Ambassador
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table

TABLE = Table(
    "ambassadors",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("full_name", "text"),
        ("kind", "text"),
        ("network", "text"),
        ("region", "text"),
        ("sectors", "jsonb"),
        ("appointed_on", "date"),
        ("status", "text"),
        ("withdrawn_on", "date"),
        ("interventions", "jsonb"),
        ("interventions_count", "integer"),
        ("audience_total", "integer"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
        ("appointed_at", "timestamptz"),
        ("withdrawn_at", "timestamptz"),
        ("profile", "text"),
    ),
)


def appointed(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "full_name": data["full_name"],
        "kind": data["kind"],
        "network": data["network"],
        "region": data["region"],
        "sectors": data["sectors"],
        "appointed_on": data["appointed_on"],
        "status": "ACTIVE",
        "withdrawn_on": None,
        "interventions": [],
        "interventions_count": 0,
        "audience_total": 0,
        "updated_at": event.timestamp,
        "position": event.position,
        "appointed_at": event.timestamp,
        "withdrawn_at": None,
        "profile": data.get("profile"),  # appointed before profiles were recorded: none
    }


def intervention_recorded(row: Row, event: StoredEvent) -> Row:
    data = event.data
    entry = {"on": data["on"].isoformat(), "audience": data["audience"], "format": data["format"]}
    return touch(
        row,
        event,
        interventions=[*row["interventions"], entry],
        interventions_count=row["interventions_count"] + 1,
        audience_total=row["audience_total"] + data["audience"],
    )


def withdrawn(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        status="WITHDRAWN",
        withdrawn_on=event.data["on"],
        withdrawn_at=event.timestamp,
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="ambassador",
    table=TABLE,
    creates={topic(Ambassador.Appointed): appointed},
    updates={
        topic(Ambassador.InterventionRecorded): intervention_recorded,
        topic(Ambassador.Withdrawn): withdrawn,
    },
    scope=scope,
)
