"""INRIA's partnerships with SMEs, counted by the year they were signed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.domain.partnerships.model import Partnership
from osezia.domain.sizes import SME_CATEGORIES
from osezia.projections.asof import as_it_stood
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import between, filters, recorded_by
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page, where_clause
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.rows import columns_of, row_of
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


@dataclass(frozen=True)
class PartnershipRow:
    """A partnership as readers see it: the columns of the read model that the API shows, and
    when each milestone was recorded (what a row as of a past day is computed again from)."""

    id: UUID
    owner: str
    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    research_team: str
    topic: str
    status: str
    proposed_at: datetime
    signed_on: date | None
    year: int | None
    started_on: date | None
    ended_on: date | None
    abandon_reason: str | None
    signed_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    abandoned_at: datetime | None
    size_category: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PartnershipRow:
        """From a row of the partnerships view that holds at least READ_COLUMNS."""
        return row_of(cls, row)

    def recorded_before(self, cutoff: datetime) -> PartnershipRow:
        """The partnership as it stood at the cutoff: without the milestones recorded after
        it, and with the status the last one before it gave."""
        changes: dict[str, Any] = {"status": "PROPOSED"}
        for name, reached, brought in _MILESTONES:
            at: datetime | None = getattr(self, name)
            if at is None:
                continue
            if at < cutoff:
                changes["status"] = reached
            else:
                changes |= brought | {name: None}
        return replace(self, **changes)


# Each milestone: when it was recorded, the status it gave, what it brought.
_MILESTONES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("signed_at", "SIGNED", {"signed_on": None, "year": None, "size_category": None}),
    ("started_at", "STARTED", {"started_on": None}),
    ("ended_at", "COMPLETED", {"ended_on": None}),
    ("abandoned_at", "ABANDONED", {"abandon_reason": None}),
)

READ_COLUMNS = columns_of(PartnershipRow)
LIST_ORDER = "proposed_at"  # partnerships are listed by proposal (then id)


def status_as_of(cutoff: datetime | None) -> str:
    """The status in SQL: the one the milestones recorded before the cutoff give, if any."""
    if cutoff is None:
        return "status"
    at = f"'{cutoff.isoformat()}'::timestamptz"
    cases = " ".join(f"WHEN {column} < {at} THEN '{s}'" for column, s, _ in reversed(_MILESTONES))
    return f"(CASE {cases} ELSE 'PROPOSED' END)"


async def partnerships_page(
    conn: Connection,
    tenant: str,
    *,
    status: str | None,
    year: int | None,
    signed: tuple[date | None, date | None],
    cutoff: datetime | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[PartnershipRow]:
    """One page of the partnerships the tenant sees, by proposal; a filter left None is not
    applied, ``signed`` is [from, until] by the signature's date (either bound None for none),
    and with a cutoff only what was recorded before it counts. Its rows are PartnershipRows,
    read from READ_COLUMNS, each as it stood at the cutoff (if any)."""
    by_signature = year is not None or any(signed)
    conditions = [
        (f"{status_as_of(cutoff)} = {{}}", status),
        ("year = {}", year),
        *between("signed_on", *signed),
        recorded_by("proposed_at", cutoff),
        recorded_by("signed_at", cutoff if by_signature else None),
    ]

    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=LIST_ORDER,
        sort_type="timestamptz",
        of=as_it_stood(PartnershipRow.from_row, cutoff),
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def signed_partnerships(
    conn: Connection, tenant: str, *, year: int | None, cutoff: datetime | None
) -> list[PartnershipRow]:
    """The partnerships the tenant sees signed (in ``year`` when given; before the cutoff when
    given, each as it stood then), by year, day of signature, then id."""
    clause, params = where_clause(filters([("year = {}", year), recorded_by("signed_at", cutoff)]))
    records = await conn.fetch(
        f'SELECT {READ_COLUMNS} FROM "{stable_schema(tenant)}".{TABLE.name} '
        f"WHERE year IS NOT NULL AND {clause} ORDER BY year, signed_on, id",
        *params,
    )
    of = as_it_stood(PartnershipRow.from_row, cutoff)
    return [of(dict(record)) for record in records]
