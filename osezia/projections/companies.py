"""The companies read model: one row per company the tenant sees.

A row shows one network's record of the company, that of its `owner`: the tenant's own when it
follows the company, the referrer's when the company was referred to it. The platform's model
(and a network that sees every company) keeps one row per SIREN for the national figures, with
what every follower recorded: the latest size assessed and the furthest adoption stage.

The segment and the adoption stage keep their history with the recorded time of each change, so
that figures as of a past date count a company in the segment it had then. `spans` lists the
(segment, stage) a company was in at the end of each day in France, from `from_day` until the
day `until_day` (excluded, null while it lasts): the figures as of a day read them directly.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.domain.calendar import date_in_france
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.naf import naf_section
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.json_nodes import json_columns
from osezia.projections.names import stable_schema
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.rows import columns_of
from osezia.projections.table import Row, Table

TABLE = Table(
    "companies",
    (
        ("id", "uuid"),
        ("siren", "text"),
        ("legal_name", "text"),
        ("owner", "text"),
        ("region", "text"),
        ("departement", "text"),
        ("naf", "text"),
        ("naf_section", "text"),
        ("size_category", "text"),
        ("size_basis", "text"),
        ("segment", "text"),
        ("adoption_stage", "text"),
        ("adoption_changed_on", "date"),
        ("adoption_history", "jsonb"),
        ("establishments", "jsonb"),
        ("shared_via", "jsonb"),
        ("registered_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
        ("segment_history", "jsonb"),
        ("adopted_at", "timestamptz"),
        ("spans", "jsonb"),
        ("legal_category", "text"),
    ),
)


def registered(event: StoredEvent, shared_via: list[str] | None = None) -> Row:
    """A network's record begins: the first registration, or a further network's (followed)."""
    data = event.data
    return {
        "id": event.originator_id,
        "siren": data["siren"],
        "legal_name": data["legal_name"],
        "owner": data["tenant"],
        "region": data["region"],
        "departement": data["departement"],
        "naf": data["naf"],
        "naf_section": naf_section(data["naf"]),
        "size_category": None,
        "size_basis": None,
        "segment": None,
        "adoption_stage": "NONE",
        "adoption_changed_on": None,
        "adoption_history": [],
        "establishments": [],
        "shared_via": shared_via or [],
        "registered_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
        "segment_history": [],
        "adopted_at": None,
        "spans": [_span(None, AdoptionStage.NONE, date_in_france(event.timestamp))],
        "legal_category": data.get("legal_category"),  # registrations before it had none
    }


def _span(segment: str | None, stage: str, day: date) -> dict[str, str | None]:
    return {"segment": segment, "stage": stage, "from_day": day.isoformat(), "until_day": None}


def spanned(row: Row, event: StoredEvent, **changes: object) -> Row:
    """Apply a change of segment or stage and keep the spans: a change on the day the last
    span began replaces it (only the end of a day counts), else a change that changed
    something closes it and opens one."""
    touch(row, event, **changes)
    day = date_in_france(event.timestamp)
    span = _span(row["segment"], row["adoption_stage"], day)
    spans = list(row["spans"])
    last = spans[-1]
    if last["from_day"] == span["from_day"]:
        spans[-1] = span
    elif (last["segment"], last["stage"]) != (span["segment"], span["stage"]):
        spans[-1] = {**spans[-1], "until_day": span["from_day"]}
        spans.append(span)
    row["spans"] = spans
    return row


def size_assessed(row: Row, event: StoredEvent) -> Row:
    data = event.data
    step = {"segment": data["segment"], "at": event.timestamp.isoformat()}
    return spanned(
        row,
        event,
        size_category=data["category"],
        size_basis=data["basis"],
        segment=data["segment"],
        segment_history=[*row["segment_history"], step],
    )


def establishment_added(row: Row, event: StoredEvent) -> Row:
    data = event.data
    if any(e["siret"] == data["siret"] for e in row["establishments"]):
        return row  # the national row already has it from another follower
    establishment = {
        "siret": data["siret"],
        "departement": data["departement"],
        "head_office": data["head_office"],
    }
    return touch(row, event, establishments=[*row["establishments"], establishment])


def adoption_stage_changed(row: Row, event: StoredEvent) -> Row:
    on, stage = event.data["on"], event.data["stage"]
    if AdoptionStage(stage).rank <= AdoptionStage(row["adoption_stage"]).rank:
        return row  # the national row keeps the furthest stage any follower recorded
    step = {"stage": stage, "on": on.isoformat(), "at": event.timestamp.isoformat()}
    return spanned(
        row,
        event,
        adoption_stage=stage,
        adoption_changed_on=on,
        adoption_history=[*row["adoption_history"], step],
        adopted_at=event.timestamp if stage == AdoptionStage.ADOPTED else row["adopted_at"],
    )


def legal_category_recorded(row: Row, event: StoredEvent) -> Row:
    """A public SIRENE fact: every row of the company takes it, whoever recorded it."""
    return touch(row, event, legal_category=event.data["legal_category"])


def legal_name_corrected(row: Row, event: StoredEvent) -> Row:
    """A public SIRENE fact: every row of the company takes the corrected name, whoever
    corrected it (a rebuild reads the name before it « effacé », its keys destroyed)."""
    return touch(row, event, legal_name=event.data["legal_name"])


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


REGISTERED = topic(Company.Registered)
FOLLOWED = topic(Company.Followed)
LEGAL_NAME_CORRECTED = topic(Company.LegalNameCorrected)


def concerns(row: Row, event: StoredEvent, viewer: str) -> bool:
    """Whether a follower's event changes ``viewer``'s row: a row that shows one network's
    record (the viewer's own, or a referrer's) takes that network's events only; a national
    row takes every follower's."""
    by = event.data.get("tenant") or row["owner"]  # older events are the first follower's
    if by == row["owner"]:
        return True
    return viewer != row["owner"] and not row["shared_via"]


def as_seen_by(events: Iterable[StoredEvent], network: str) -> Row | None:
    """The row of ``network``'s record, from the company's events in order."""
    row: Row | None = None
    for event in events:
        if event.topic == REGISTERED:
            row = registered(event)
        elif event.topic == FOLLOWED:
            if event.data["tenant"] == network:
                row = registered(event)
        elif row is not None and event.topic in MODEL.updates and concerns(row, event, network):
            row = MODEL.updates[event.topic](row, event)
    return row


MODEL = ReadModel(
    kind="company",
    table=TABLE,
    creates={REGISTERED: registered},
    updates={
        topic(Company.SizeAssessed): size_assessed,
        topic(Company.EstablishmentAdded): establishment_added,
        topic(Company.AdoptionStageChanged): adoption_stage_changed,
        topic(Company.LegalCategoryRecorded): legal_category_recorded,
        LEGAL_NAME_CORRECTED: legal_name_corrected,
    },
    scope=scope,
)


@dataclass(frozen=True)
class CompanyRow:
    """A company as readers see it: the columns of the read model that the API shows; `shared`
    when the row is another network's record, referred to the reader."""

    id: UUID
    siren: str
    legal_name: str
    owner: str
    region: str
    departement: str
    naf: str
    naf_section: str
    size_category: str | None
    size_basis: str | None
    segment: str | None
    adoption_stage: str
    adoption_changed_on: date | None
    shared: bool
    legal_category: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CompanyRow:
        """From a row of the companies view that holds at least READ_COLUMNS."""
        return cls(
            id=row["id"],
            siren=row["siren"],
            legal_name=row["legal_name"],
            owner=row["owner"],
            region=row["region"],
            departement=row["departement"],
            naf=row["naf"],
            naf_section=row["naf_section"],
            size_category=row["size_category"],
            size_basis=row["size_basis"],
            segment=row["segment"],
            adoption_stage=row["adoption_stage"],
            adoption_changed_on=row["adoption_changed_on"],
            shared=row["shared_via"] != [],
            legal_category=row["legal_category"],
        )


READ_COLUMNS = columns_of(CompanyRow, without=["shared"], extra=["shared_via"])
# The columns a company's JSON is written from (osezia.graphql.prebuilt): the table's, and
# whether the row is another network's record, referred to the reader.
JSON_COLUMNS = json_columns(TABLE.columns, shared=("shared_via <> '[]'::jsonb", "boolean"))
# What a company's row as of a past day is computed again from.
HISTORY_COLUMNS = f"{READ_COLUMNS}, segment_history, adoption_history"
LIST_ORDER = "siren"  # companies are listed in SIREN order (then id)


def recorded_before(row: Mapping[str, Any], cutoff: datetime) -> dict[str, Any]:
    """A company's row as it stood at the cutoff: the segment and the adoption stage its
    histories give then. The read model keeps only the latest size category: it is shown when
    no assessment came after the cutoff, null otherwise."""
    before = dict(row)
    segments = _before(row["segment_history"], cutoff)
    if len(segments) < len(row["segment_history"]):
        before["size_category"] = before["size_basis"] = None
        before["segment"] = segments[-1]["segment"] if segments else None
    stages = _before(row["adoption_history"], cutoff)
    if len(stages) < len(row["adoption_history"]):
        before["adoption_stage"] = stages[-1]["stage"] if stages else "NONE"
        before["adoption_changed_on"] = date.fromisoformat(stages[-1]["on"]) if stages else None
    return before


def _before(history: list[dict[str, Any]], cutoff: datetime) -> list[dict[str, Any]]:
    return [step for step in history if datetime.fromisoformat(step["at"]) < cutoff]


async def company_by_siren(
    conn: Connection, tenant: str, siren: str, cutoff: datetime | None = None
) -> CompanyRow | None:
    """The company with this SIREN in the tenant's view; with a cutoff, as recorded before it
    (None if it was registered later)."""
    source = f'"{stable_schema(tenant)}".companies'
    if cutoff is None:
        record = await conn.fetchrow(f"SELECT {READ_COLUMNS} FROM {source} WHERE siren = $1", siren)
        return None if record is None else CompanyRow.from_row(dict(record))
    record = await conn.fetchrow(
        f"SELECT {HISTORY_COLUMNS} FROM {source} WHERE siren = $1 AND registered_at < $2",
        siren,
        cutoff,
    )
    return None if record is None else CompanyRow.from_row(recorded_before(dict(record), cutoff))


async def companies_by_id(
    conn: Connection, tenant: str, ids: Sequence[UUID]
) -> dict[UUID, CompanyRow]:
    """The companies with these ids that the tenant sees, by id (one query for them all)."""
    records = await conn.fetch(
        f'SELECT {READ_COLUMNS} FROM "{stable_schema(tenant)}".companies '
        "WHERE id = ANY($1::uuid[])",
        list(ids),
    )
    return {record["id"]: CompanyRow.from_row(dict(record)) for record in records}
