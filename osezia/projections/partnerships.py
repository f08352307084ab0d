"""INRIA's partnerships with SMEs, counted by the year they were signed."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.partnerships.model import Partnership
from osezia.domain.sizes import SME_CATEGORIES
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table

# A partnership row signed with an SME, in SQL: the one predicate figures and views count by.
SME = "size_category IN (" + ", ".join(f"'{c}'" for c in sorted(SME_CATEGORIES)) + ")"

TABLE = Table(
    "partnerships",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("company_id", "uuid"),
        ("company_siren", "text"),
        ("company_name", "text"),
        ("region", "text"),
        ("research_team", "text"),
        ("topic", "text"),
        ("status", "text"),
        ("proposed_at", "timestamptz"),
        ("signed_on", "date"),
        ("year", "integer"),
        ("started_on", "date"),
        ("ended_on", "date"),
        ("abandon_reason", "text"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
        ("signed_at", "timestamptz"),
        ("started_at", "timestamptz"),
        ("ended_at", "timestamptz"),
        ("abandoned_at", "timestamptz"),
        ("size_category", "text"),
    ),
)


def proposed(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "company_id": data["company_id"],
        "company_siren": data["company_siren"],
        "company_name": data["company_name"],
        "region": data["region"],
        "research_team": data["research_team"],
        "topic": data["topic"],
        "status": "PROPOSED",
        "proposed_at": event.timestamp,
        "signed_on": None,
        "year": None,
        "started_on": None,
        "ended_on": None,
        "abandon_reason": None,
        "updated_at": event.timestamp,
        "position": event.position,
        "signed_at": None,
        "started_at": None,
        "ended_at": None,
        "abandoned_at": None,
        "size_category": None,
    }


def signed(row: Row, event: StoredEvent) -> Row:
    data = event.data
    on = data["on"]
    return touch(
        row,
        event,
        status="SIGNED",
        signed_on=on,
        year=on.year,
        signed_at=event.timestamp,
        size_category=data.get("size_category"),  # signatures stored before it: unknown
    )


def started(row: Row, event: StoredEvent) -> Row:
    return touch(
        row, event, status="STARTED", started_on=event.data["on"], started_at=event.timestamp
    )


def completed(row: Row, event: StoredEvent) -> Row:
    return touch(
        row, event, status="COMPLETED", ended_on=event.data["on"], ended_at=event.timestamp
    )


def abandoned(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        status="ABANDONED",
        abandon_reason=event.data["reason"],
        abandoned_at=event.timestamp,
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="partnership",
    table=TABLE,
    creates={topic(Partnership.Proposed): proposed},
    updates={
        topic(Partnership.Signed): signed,
        topic(Partnership.Started): started,
        topic(Partnership.Completed): completed,
        topic(Partnership.Abandoned): abandoned,
    },
    scope=scope,
)
