"""The ambassadors directory: public reference data, within a regional network's region."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from osezia.domain.ambassadors.model import Ambassador
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.paging import Filter, Page, page
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.rows import columns_of
from osezia.projections.table import Row, Table

ACTIVE, WITHDRAWN = "ACTIVE", "WITHDRAWN"

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
        "status": ACTIVE,
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
        status=WITHDRAWN,
        withdrawn_on=event.data["on"],
        withdrawn_at=event.timestamp,
    )


def name_corrected(row: Row, event: StoredEvent) -> Row:
    return touch(row, event, full_name=event.data["full_name"])


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="ambassador",
    table=TABLE,
    creates={topic(Ambassador.Appointed): appointed},
    updates={
        topic(Ambassador.InterventionRecorded): intervention_recorded,
        topic(Ambassador.Withdrawn): withdrawn,
        topic(Ambassador.NameCorrected): name_corrected,
    },
    scope=scope,
)


@dataclass(frozen=True)
class InterventionRow:
    """One intervention, as an ambassador's row lists it."""

    on: date
    audience: int
    format: str


@dataclass(frozen=True)
class AmbassadorRow:
    """An ambassador as readers see it: the columns of the read model that the API shows."""

    id: UUID
    full_name: str
    kind: str
    network: str
    region: str | None
    sectors: tuple[str, ...]
    appointed_on: date
    status: str
    withdrawn_on: date | None
    interventions: tuple[InterventionRow, ...]
    audience_total: int
    profile: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AmbassadorRow:
        """From a row of the ambassadors view that holds at least READ_COLUMNS."""
        return cls(
            id=row["id"],
            full_name=row["full_name"],
            kind=row["kind"],
            network=row["network"],
            region=row["region"],
            sectors=tuple(row["sectors"]),
            appointed_on=row["appointed_on"],
            status=row["status"],
            withdrawn_on=row["withdrawn_on"],
            interventions=tuple(
                InterventionRow(
                    on=date.fromisoformat(entry["on"]),
                    audience=entry["audience"],
                    format=entry["format"],
                )
                for entry in row["interventions"]
            ),
            audience_total=row["audience_total"],
            profile=row["profile"],
        )


READ_COLUMNS = columns_of(AmbassadorRow)
DIRECTORY_ORDER = "full_name"  # the directory lists ambassadors by name (then id)


async def directory_page(
    conn: Connection,
    tenant: str,
    *,
    region: str | None,
    kind: str | None,
    active_only: bool,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[AmbassadorRow]:
    """One page of the ambassadors directory the tenant sees, by name; a filter left None (or
    active_only False) is not applied. Its rows are AmbassadorRows, read from
    READ_COLUMNS."""
    conditions = (
        ("region = {}", region),
        ("kind = {}", kind),
        ("status = {}", ACTIVE if active_only else None),
    )
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=DIRECTORY_ORDER,
        sort_type="text",
        of=AmbassadorRow.from_row,
        filters=[Filter(sql, value) for sql, value in conditions if value is not None],
        first=first,
        after=after,
        last=last,
        before=before,
    )
