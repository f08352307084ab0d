"""Académie de l'IA: one row per enrolment, and the figures of learners by audience and region.

Only the recording network and the operator hold rows (the kind is not public). The figures
view counts them for every network without naming a learner or a company: by audience,
region, the day each milestone was recorded (Paris time, for figures as of a date) and the
business year of the completion (for "apprentices trained per year").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from osezia.domain.trainings.model import Enrolment
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import filters
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.rows import columns_of, row_of
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

TABLE = Table(
    "trainings",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("learner_ref", "text"),
        ("audience", "text"),
        ("region", "text"),
        ("company_id", "uuid"),
        ("training_code", "text"),
        ("training_title", "text"),
        ("status", "text"),
        ("enrolled_on", "date"),
        ("enrolled_at", "timestamptz"),
        ("completed_on", "date"),
        ("completed_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def enrolled(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "learner_ref": data["learner_ref"],
        "audience": data["audience"],
        "region": data["region"],
        "company_id": data["company_id"],
        "training_code": data["training_code"],
        "training_title": data["training_title"],
        "status": "ENROLLED",
        "enrolled_on": data["on"],
        "enrolled_at": event.timestamp,
        "completed_on": None,
        "completed_at": None,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def completed(row: Row, event: StoredEvent) -> Row:
    return touch(
        row, event, status="COMPLETED", completed_on=event.data["on"], completed_at=event.timestamp
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="training",
    table=TABLE,
    creates={topic(Enrolment.Enrolled): enrolled},
    updates={topic(Enrolment.Completed): completed},
    scope=scope,
)

MODELS: tuple[ReadModel, ...] = (MODEL,)


def figure_views(region: str | None) -> dict[str, str]:
    """`figures_trainings`: enrolments by audience, region, recorded days and completion year.
    `figures_people_trained`: people, each counted once, on the first training they completed
    (a learner is a pseudonymous reference of the network that recorded it)."""
    where = f"WHERE region = '{region}'" if region else ""
    first = "AND" if region else "WHERE"
    return {
        "figures_people_trained": (
            "SELECT audience, region, completed_day, completed_year, count(*)::bigint AS people "
            "FROM (SELECT DISTINCT ON (owner, learner_ref) audience, region, "
            "(completed_at AT TIME ZONE 'Europe/Paris')::date AS completed_day, "
            "extract(year FROM completed_on)::integer AS completed_year "
            f"FROM {PLATFORM}.trainings {where} {first} completed_at IS NOT NULL "
            "ORDER BY owner, learner_ref, completed_at) AS first_completions "
            "GROUP BY audience, region, completed_day, completed_year"
        ),
        "figures_trainings": (
            "SELECT audience, region, "
            "(enrolled_at AT TIME ZONE 'Europe/Paris')::date AS enrolled_day, "
            "(completed_at AT TIME ZONE 'Europe/Paris')::date AS completed_day, "
            "extract(year FROM completed_on)::integer AS completed_year, "
            "count(*)::bigint AS learners "
            f"FROM {PLATFORM}.trainings {where} "
            "GROUP BY audience, region, enrolled_day, completed_day, completed_year"
        ),
    }


@dataclass(frozen=True)
class TrainingRow:
    """A learner's enrolment as readers see it: the columns of the read model that the API
    shows."""

    id: UUID
    learner_ref: str
    audience: str
    region: str
    company_id: UUID | None
    training_code: str
    training_title: str
    status: str
    enrolled_on: date
    completed_on: date | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TrainingRow:
        """From a row of the trainings view that holds at least READ_COLUMNS."""
        return row_of(cls, row)


READ_COLUMNS = columns_of(TrainingRow, extra=["enrolled_at"])
LIST_ORDER = "enrolled_at"  # enrolments are listed by recorded time (then id)


async def enrolments_page(
    conn: Connection,
    tenant: str,
    *,
    audience: str | None,
    status: str | None,
    region: str | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[TrainingRow]:
    """One page of the enrolments the tenant sees, by recorded time; a filter left None is not
    applied. Its rows are TrainingRows, read from READ_COLUMNS."""
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=LIST_ORDER,
        sort_type="timestamptz",
        of=TrainingRow.from_row,
        filters=filters(
            [("audience = {}", audience), ("status = {}", status), ("region = {}", region)]
        ),
        first=first,
        after=after,
        last=last,
        before=before,
    )


@dataclass(frozen=True)
class TrainingCount:
    """Learners of one audience in one region: enrolments and completions recorded by the end
    of a day."""

    audience: str
    region: str
    enrolled: int
    completed: int


async def training_counts(conn: Connection, tenant: str, day: date) -> list[TrainingCount]:
    """Enrolments and completions recorded by the end of `day` (in France), by audience and
    region, over what the tenant's figures count."""
    records = await conn.fetch(
        "SELECT audience, region, sum(learners)::bigint AS enrolled, "
        "coalesce(sum(learners) FILTER (WHERE completed_day <= $1), 0)::bigint AS completed "
        f'FROM "{stable_schema(tenant)}".figures_trainings WHERE enrolled_day <= $1 '
        "GROUP BY audience, region ORDER BY audience, region",
        day,
    )
    return [TrainingCount(**dict(record)) for record in records]
