"""Survey measurements, public: every network sees what surveys measured, as recorded and as
corrected, and each figure as it stood by the end of any past day.

Each row keeps its revisions (value, source, segment and when each was recorded), so that the
progress of a past day shows the figure known then, not a later correction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from osezia.domain.surveys.model import Measurement
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table

TABLE = Table(
    "survey_measurements",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("survey", "text"),
        ("measures", "text"),
        ("population", "text"),
        ("year", "integer"),
        ("segment", "text"),
        ("value_basis_points", "integer"),
        ("source_url", "text"),
        ("revisions", "jsonb"),
        ("recorded_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def _revision(event: StoredEvent) -> dict[str, Any]:
    data = event.data
    return {
        "value_basis_points": data["value_basis_points"],
        "source_url": data["source_url"],
        "segment": data["segment"],
        "at": event.timestamp.isoformat(),
    }


def recorded(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "survey": data["survey"],
        "measures": data["measures"],
        "population": data["population"],
        "year": data["year"],
        "segment": data["segment"],
        "value_basis_points": data["value_basis_points"],
        "source_url": data["source_url"],
        "revisions": [_revision(event)],
        "recorded_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def corrected(row: Row, event: StoredEvent) -> Row:
    data = event.data
    return touch(
        row,
        event,
        segment=data["segment"],
        value_basis_points=data["value_basis_points"],
        source_url=data["source_url"],
        revisions=[*row["revisions"], _revision(event)],
    )


def national(row: Row) -> tuple[str, str | None, Collection[str]]:
    # Published figures of the whole country: every network sees them, in every region.
    return row["owner"], None, ()


MODEL = ReadModel(
    kind="survey_measurement",
    table=TABLE,
    creates={topic(Measurement.Recorded): recorded},
    updates={topic(Measurement.Corrected): corrected},
    scope=national,
)

MODELS: tuple[ReadModel, ...] = (MODEL,)


@dataclass(frozen=True)
class SurveyMeasurement:
    """A survey's figure as it stood at the time asked about."""

    id: UUID
    survey: str
    measures: str
    population: str
    segment: str | None
    year: int
    value_basis_points: int
    source_url: str
    recorded_at: datetime
    corrected_at: datetime | None  # the last correction by then; None: as first recorded


def as_of(row: Mapping[str, Any], cutoff: datetime | None) -> SurveyMeasurement | None:
    """The row's figure as its last revision recorded before the cutoff left it (None: not
    recorded yet); without a cutoff, as it stands."""
    revisions = [
        r for r in row["revisions"] if cutoff is None or datetime.fromisoformat(r["at"]) < cutoff
    ]
    if not revisions:
        return None
    last = revisions[-1]
    return SurveyMeasurement(
        id=row["id"],
        survey=row["survey"],
        measures=row["measures"],
        population=row["population"],
        segment=last["segment"],
        year=row["year"],
        value_basis_points=last["value_basis_points"],
        source_url=last["source_url"],
        recorded_at=row["recorded_at"],
        corrected_at=datetime.fromisoformat(last["at"]) if len(revisions) > 1 else None,
    )


async def measurements(
    conn: Connection,
    tenant: str,
    *,
    population: str | None = None,
    year: int | None = None,
    cutoff: datetime | None = None,
) -> list[SurveyMeasurement]:
    """The measurements the tenant sees, by year (latest first), survey and population; with a
    cutoff, as they stood before it. ``population`` is a segment (TPE, PME_ETI, GE) or words
    the population's label contains, ignoring case."""
    rows = await conn.fetch(
        "SELECT * FROM "
        f'"{stable_schema(tenant)}".survey_measurements '
        "WHERE ($1::integer IS NULL OR year = $1) "
        "AND ($2::timestamptz IS NULL OR recorded_at < $2) "
        "ORDER BY year DESC, survey, population, measures, id",
        year,
        cutoff,
    )
    found = (as_of(dict(row), cutoff) for row in rows)
    return [m for m in found if m is not None and _matches(m, population)]


def _matches(measurement: SurveyMeasurement, population: str | None) -> bool:
    if population is None:
        return True
    wanted = population.casefold()
    return wanted == (measurement.segment or "").casefold() or (
        wanted in measurement.population.casefold()
    )
