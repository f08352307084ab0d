"""Acceleration cohorts: one row per cohort, its admissions as a list with their milestones.

Admissions are jsonb: ids, dates and recorded times travel as ISO strings, so that a row built
in memory and a row read back from PostgreSQL are equal.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.domain.acceleration.model import Cohort
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import filters, within
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.rows import columns_of, day_of, time_of
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

TABLE = Table(
    "cohorts",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("name", "text"),
        ("starts_on", "date"),
        ("ends_on", "date"),
        ("capacity", "integer"),
        ("months", "integer"),
        ("admitted_count", "integer"),
        ("active_count", "integer"),
        ("graduated_count", "integer"),
        ("exited_count", "integer"),
        ("admissions", "jsonb"),
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
        "name": data["name"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "capacity": data["capacity"],
        "months": data["months"],
        "admitted_count": 0,
        "active_count": 0,
        "graduated_count": 0,
        "exited_count": 0,
        "admissions": [],
        "opened_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def admitted(row: Row, event: StoredEvent) -> Row:
    data = event.data
    admission = {
        "company_id": str(data["company_id"]),
        "company_siren": data["company_siren"],
        "company_name": data["company_name"],
        "region": data["region"],
        "segment": data["segment"],
        "status": "ACTIVE",
        "admitted_on": data["on"].isoformat(),
        "admitted_at": event.timestamp.isoformat(),
        "milestones": [],
        "graduated_on": None,
        "graduated_at": None,
        "exited_on": None,
        "exited_at": None,
        "exit_reason": None,
    }
    return _counted(touch(row, event, admissions=[*row["admissions"], admission]))


def milestone_reached(row: Row, event: StoredEvent) -> Row:
    reached = {
        "milestone": event.data["milestone"],
        "on": event.data["on"].isoformat(),
        "at": event.timestamp.isoformat(),
    }
    return _change_admission(row, event, lambda a: {"milestones": [*a["milestones"], reached]})


def graduated(row: Row, event: StoredEvent) -> Row:
    return _change_admission(
        row,
        event,
        lambda _: {
            "status": "GRADUATED",
            "graduated_on": event.data["on"].isoformat(),
            "graduated_at": event.timestamp.isoformat(),
        },
    )


def exited(row: Row, event: StoredEvent) -> Row:
    return _change_admission(
        row,
        event,
        lambda _: {
            "status": "EXITED",
            "exited_on": event.data["on"].isoformat(),
            "exited_at": event.timestamp.isoformat(),
            "exit_reason": event.data["reason"],
        },
    )


Admission = dict[str, Any]


def _change_admission(
    row: Row, event: StoredEvent, change: Callable[[Admission], Admission]
) -> Row:
    company_id = str(event.data["company_id"])
    admissions = [
        {**a, **change(a)} if a["company_id"] == company_id else a for a in row["admissions"]
    ]
    return _counted(touch(row, event, admissions=admissions))


def _counted(row: Row) -> Row:
    statuses = [a["status"] for a in row["admissions"]]
    row["admitted_count"] = len(statuses)
    row["active_count"] = statuses.count("ACTIVE")
    row["graduated_count"] = statuses.count("GRADUATED")
    row["exited_count"] = statuses.count("EXITED")
    return row


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    # A cohort gathers companies from every region: it belongs to no single one.
    return row["owner"], None, ()


MODEL = ReadModel(
    kind="cohort",
    table=TABLE,
    creates={topic(Cohort.Opened): opened},
    updates={
        topic(Cohort.Admitted): admitted,
        topic(Cohort.MilestoneReached): milestone_reached,
        topic(Cohort.Graduated): graduated,
        topic(Cohort.Exited): exited,
    },
    scope=scope,
)

MODELS: tuple[ReadModel, ...] = (MODEL,)


def _day(key: str) -> str:
    # The day in France the step was recorded: figures as of day D count up to its end.
    return f"((a->>'{key}')::timestamptz AT TIME ZONE 'Europe/Paris')::date"


def figure_views(region: str | None) -> dict[str, str]:
    """Companies of the programme counted by region and the days they were admitted,
    graduated or exited. A company admitted to several cohorts counts once: by its admission
    still running or graduated if there is one, else its first.

    `figures_acceleration` applies that rule to the admissions as they stand.
    `figures_acceleration_history` applies it as of every day: which admission counts for a
    company changes only on a day one of its admissions was admitted or exited, so each row
    holds the admission that counted from `counted_from` up to the day before `counted_until`
    (null: still counting). The figures as of day D read the rows counting on D, with the days
    after D blanked, and never change once D is over."""
    where = f"WHERE a->>'region' = '{region}'" if region else ""
    admissions = (
        "SELECT a->>'company_id' AS company, a->>'region' AS region, c.id AS cohort, "
        "(a->>'admitted_at')::timestamptz AS admitted_at, "
        f"{_day('admitted_at')} AS admitted_day, "
        f"{_day('graduated_at')} AS graduated_day, "
        f"{_day('exited_at')} AS exited_day "
        f"FROM {PLATFORM}.cohorts AS c CROSS JOIN LATERAL "
        f"jsonb_array_elements(c.admissions) AS a {where}"
    )
    return {
        "figures_acceleration": (
            "SELECT region, admitted_day, graduated_day, exited_day, count(*)::bigint AS companies "
            "FROM (SELECT DISTINCT ON (a->>'company_id') a->>'region' AS region, "
            f"{_day('admitted_at')} AS admitted_day, "
            f"{_day('graduated_at')} AS graduated_day, "
            f"{_day('exited_at')} AS exited_day "
            f"FROM {PLATFORM}.cohorts AS c CROSS JOIN LATERAL "
            f"jsonb_array_elements(c.admissions) AS a {where} "
            "ORDER BY a->>'company_id', a->>'exited_at' IS NOT NULL, a->>'admitted_at'"
            ") AS companies GROUP BY 1, 2, 3, 4"
        ),
        "figures_acceleration_history": (
            f"WITH admissions AS ({admissions}), "
            # The days on which the admission a company counts by may change.
            "changes AS (SELECT company, admitted_day AS day FROM admissions "
            "UNION SELECT company, exited_day FROM admissions WHERE exited_day IS NOT NULL), "
            "periods AS (SELECT company, day AS counted_from, "
            "lead(day) OVER (PARTITION BY company ORDER BY day) AS counted_until FROM changes), "
            "counted AS (SELECT DISTINCT ON (p.company, p.counted_from) a.region, "
            "a.admitted_day, a.graduated_day, a.exited_day, p.counted_from, p.counted_until "
            "FROM periods AS p JOIN admissions AS a "
            "ON a.company = p.company AND a.admitted_day <= p.counted_from "
            "ORDER BY p.company, p.counted_from, "
            "coalesce(a.exited_day <= p.counted_from, false), a.admitted_at, a.cohort) "
            "SELECT region, admitted_day, graduated_day, exited_day, counted_from, "
            "counted_until, count(*)::bigint AS companies FROM counted GROUP BY 1, 2, 3, 4, 5, 6"
        ),
    }


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone a company reached, as its admission lists it; `at` when it was recorded."""

    milestone: str
    on: date
    at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> MilestoneRow:
        return cls(
            milestone=data["milestone"],
            on=date.fromisoformat(data["on"]),
            at=datetime.fromisoformat(data["at"]),
        )


@dataclass(frozen=True)
class AdmissionRow:
    """A company in a cohort, as it was when admitted, and what it did there since."""

    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    segment: str | None
    status: str
    admitted_on: date
    admitted_at: datetime
    milestones: tuple[MilestoneRow, ...]
    graduated_on: date | None
    graduated_at: datetime | None
    exited_on: date | None
    exited_at: datetime | None
    exit_reason: str | None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AdmissionRow:
        """From one admission of a cohort's jsonb list (dates and times as ISO strings)."""
        return cls(
            company_id=UUID(data["company_id"]),
            company_siren=data["company_siren"],
            company_name=data["company_name"],
            region=data["region"],
            segment=data["segment"],
            status=data["status"],
            admitted_on=date.fromisoformat(data["admitted_on"]),
            admitted_at=datetime.fromisoformat(data["admitted_at"]),
            milestones=tuple(MilestoneRow.from_data(m) for m in data["milestones"]),
            graduated_on=day_of(data["graduated_on"]),
            graduated_at=time_of(data["graduated_at"]),
            exited_on=day_of(data["exited_on"]),
            exited_at=time_of(data["exited_at"]),
            exit_reason=data["exit_reason"],
        )


@dataclass(frozen=True)
class CohortRow:
    """A cohort as readers see it: the columns of the read model that the API shows."""

    id: UUID
    owner: str
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    months: int
    admitted_count: int
    active_count: int
    graduated_count: int
    exited_count: int
    admissions: tuple[AdmissionRow, ...]
    opened_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CohortRow:
        """From a row of the cohorts view that holds at least READ_COLUMNS."""
        return cls(
            id=row["id"],
            owner=row["owner"],
            name=row["name"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            capacity=row["capacity"],
            months=row["months"],
            admitted_count=row["admitted_count"],
            active_count=row["active_count"],
            graduated_count=row["graduated_count"],
            exited_count=row["exited_count"],
            admissions=tuple(AdmissionRow.from_data(a) for a in row["admissions"]),
            opened_at=row["opened_at"],
        )


READ_COLUMNS = columns_of(CohortRow)
LIST_ORDER = "opened_at"  # cohorts are listed first opened first (then id)
_ADMITTED = "(x->>'admitted_on')::date"
_GRADUATED = "(x->>'graduated_on')::date"


async def cohorts_page(
    conn: Connection,
    tenant: str,
    *,
    admitted_from: date | None,
    admitted_until: date | None,
    graduated_from: date | None,
    graduated_until: date | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[CohortRow]:
    """One page of the cohorts the tenant sees, first opened first: those with a company
    admitted (graduated) within the days given, both included; a bound left None is not
    applied. Its rows are CohortRows, read from READ_COLUMNS."""
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=LIST_ORDER,
        sort_type="timestamptz",
        of=CohortRow.from_row,
        filters=filters(
            [
                within("admissions", _ADMITTED, admitted_from, admitted_until),
                within("admissions", _GRADUATED, graduated_from, graduated_until),
            ]
        ),
        first=first,
        after=after,
        last=last,
        before=before,
    )


@dataclass(frozen=True)
class AccelerationCount:
    """Companies of every cohort counted by region and the days (in France) they were
    admitted, graduated or exited, as they stood at the end of a day."""

    region: str
    admitted_day: date
    graduated_day: date | None
    exited_day: date | None
    companies: int


# Each company by the admission it counted by at the end of day $1, with only the steps
# recorded by then.
_ACCELERATION_COUNTS = (
    "SELECT region, admitted_day, "
    "CASE WHEN graduated_day <= $1 THEN graduated_day END AS graduated_day, "
    "CASE WHEN exited_day <= $1 THEN exited_day END AS exited_day, "
    "sum(companies)::bigint AS companies "
    'FROM "{schema}".figures_acceleration_history '
    "WHERE counted_from <= $1 AND (counted_until IS NULL OR counted_until > $1) "
    # By position: a name in GROUP BY would mean the view's column, not the one as of $1.
    "GROUP BY 1, 2, 3, 4 ORDER BY region, admitted_day, graduated_day, exited_day"
)


async def acceleration_counts(conn: Connection, tenant: str, day: date) -> list[AccelerationCount]:
    """The programme's companies as recorded by the end of `day` (in France): a company in
    several cohorts counts once, by the admission it counted by then."""
    records = await conn.fetch(_ACCELERATION_COUNTS.format(schema=stable_schema(tenant)), day)
    return [AccelerationCount(**dict(record)) for record in records]
