"""The calls read models as the API reads them: typed rows, and the SQL that reads them and
the calls' figure views."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.projections.calls import APPLICATIONS, CALLS
from osezia.projections.conditions import filters, within
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page
from osezia.projections.rows import columns_of, day_of, time_of


@dataclass(frozen=True)
class CallPhaseRow:
    """A phase of a call: its ranges and the network that contracts it."""

    number: int
    name: str
    min_cents: int
    max_cents: int
    min_months: int
    max_months: int
    contractor: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CallPhaseRow:
        """From one phase of a call's jsonb list."""
        return cls(
            number=data["number"],
            name=data["name"],
            min_cents=data["min_cents"],
            max_cents=data["max_cents"],
            min_months=data["min_months"],
            max_months=data["max_months"],
            contractor=data["contractor"],
        )


@dataclass(frozen=True)
class CallRow:
    """A call as readers see it: the columns of the read model that the API shows."""

    id: UUID
    owner: str
    code: str
    title: str
    kind: str
    opens_on: date
    closes_on: date
    phases: tuple[CallPhaseRow, ...]
    selection_target: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CallRow:
        """From a row of the calls view that holds at least CALL_COLUMNS."""
        return cls(
            id=row["id"],
            owner=row["owner"],
            code=row["code"],
            title=row["title"],
            kind=row["kind"],
            opens_on=row["opens_on"],
            closes_on=row["closes_on"],
            phases=tuple(CallPhaseRow.from_data(p) for p in row["phases"]),
            selection_target=row["selection_target"],
        )


@dataclass(frozen=True)
class AwardedPhaseRow:
    """A phase awarded to an application, and its gate once evaluated."""

    phase: int
    amount_cents: int
    months: int
    awarded_on: date
    awarded_at: datetime
    awarded_by: str
    gate_passed: bool | None
    gate_on: date | None
    gate_at: datetime | None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AwardedPhaseRow:
        """From one phase of an application's jsonb list (dates and times as ISO text)."""
        return cls(
            phase=data["phase"],
            amount_cents=data["amount_cents"],
            months=data["months"],
            awarded_on=date.fromisoformat(data["awarded_on"]),
            awarded_at=datetime.fromisoformat(data["awarded_at"]),
            awarded_by=data["awarded_by"],
            gate_passed=data["gate_passed"],
            gate_on=day_of(data["gate_on"]),
            gate_at=time_of(data["gate_at"]),
        )


@dataclass(frozen=True)
class CallApplicationRow:
    """An application as readers see it: the columns of the read model that the API shows."""

    id: UUID
    owner: str
    call_id: UUID
    call_code: str
    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    project_title: str
    consortium: tuple[str, ...]
    status: str
    current_phase: int | None
    phases: tuple[AwardedPhaseRow, ...]
    awarded_cents: int
    submitted_on: date
    submitted_at: datetime
    selected_at: datetime | None
    rejected_at: datetime | None
    reject_reason: str | None
    priority_sector: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CallApplicationRow:
        """From a row of the call_applications view that holds at least APPLICATION_COLUMNS."""
        return cls(
            id=row["id"],
            owner=row["owner"],
            call_id=row["call_id"],
            call_code=row["call_code"],
            company_id=row["company_id"],
            company_siren=row["company_siren"],
            company_name=row["company_name"],
            region=row["region"],
            project_title=row["project_title"],
            consortium=tuple(row["consortium"]),
            status=row["status"],
            current_phase=row["current_phase"],
            phases=tuple(AwardedPhaseRow.from_data(p) for p in row["phases"]),
            awarded_cents=row["awarded_cents"],
            submitted_on=row["submitted_on"],
            submitted_at=row["submitted_at"],
            selected_at=row["selected_at"],
            rejected_at=row["rejected_at"],
            reject_reason=row["reject_reason"],
            priority_sector=row["priority_sector"],
        )


CALL_COLUMNS = columns_of(CallRow)
APPLICATION_COLUMNS = columns_of(CallApplicationRow)
APPLICATIONS_ORDER = "submitted_at"  # applications are listed oldest first (then id)
# The phase's number in a status (IN_PHASE_2, PHASE_2_PASSED), which its stage leaves out.
PHASE_NUMBER = re.compile(r"_[0-9]+")


async def every_call(conn: Connection, tenant: str) -> list[CallRow]:
    """Every call the tenant sees (every call: they are public), by opening date then code."""
    records = await conn.fetch(
        f'SELECT {CALL_COLUMNS} FROM "{stable_schema(tenant)}".{CALLS.name} '
        "ORDER BY opens_on, code, id"
    )
    return [CallRow.from_row(dict(r)) for r in records]


async def applications_page(
    conn: Connection,
    tenant: str,
    *,
    call_code: str | None,
    status: str | None,
    stage: str | None,
    awarded_from: date | None,
    awarded_until: date | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[CallApplicationRow]:
    """One page of the applications the tenant sees, oldest first; a filter left None is not
    applied. `stage` is the status without its phase's number (IN_PHASE for IN_PHASE_2). Its
    rows hold APPLICATION_COLUMNS: CallApplicationRow.from_row reads them."""
    conditions = [
        ("call_code = {}", call_code),
        ("status = {}", status),
        (f"regexp_replace(status, '{PHASE_NUMBER.pattern}', '') = {{}}", stage),
        within("phases", "(x->>'awarded_on')::date", awarded_from, awarded_until),
    ]
    return await page(
        conn,
        tenant,
        APPLICATIONS.name,
        columns=APPLICATION_COLUMNS,
        sort=APPLICATIONS_ORDER,
        sort_type="timestamptz",
        of=CallApplicationRow.from_row,
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )


@dataclass(frozen=True)
class SectorCounts:
    """A call's counts for one priority sector (None: none)."""

    priority_sector: str | None
    applications: int
    selected: int
    awarded_cents: int


@dataclass(frozen=True)
class CallCounts:
    """A call's applications submitted, selected and amounts awarded, and the same by sector."""

    applications: int
    selected: int
    awarded_cents: int
    by_sector: tuple[SectorCounts, ...]


# Each count as recorded by the end of day $2: applications submitted, selected and phases
# awarded by then.
_CALL_FIGURES = (
    "SELECT (SELECT coalesce(sum(applications), 0) "
    'FROM "{schema}".figures_call_applications '
    "WHERE call_code = $1 AND submitted_day <= $2) AS applications, "
    "(SELECT coalesce(sum(applications), 0) "
    'FROM "{schema}".figures_call_applications '
    "WHERE call_code = $1 AND selected_day <= $2) AS selected, "
    "(SELECT coalesce(sum(awarded_cents), 0) "
    'FROM "{schema}".figures_call_awards '
    "WHERE call_code = $1 AND awarded_day <= $2) AS awarded_cents"
)

# The same counts by priority sector (NULL: none).
_SECTOR_FIGURES = (
    "SELECT s.priority_sector, "
    '(SELECT coalesce(sum(applications), 0) FROM "{schema}".figures_call_applications '
    "WHERE call_code = $1 AND submitted_day <= $2 "
    "AND priority_sector IS NOT DISTINCT FROM s.priority_sector) AS applications, "
    '(SELECT coalesce(sum(applications), 0) FROM "{schema}".figures_call_applications '
    "WHERE call_code = $1 AND selected_day <= $2 "
    "AND priority_sector IS NOT DISTINCT FROM s.priority_sector) AS selected, "
    '(SELECT coalesce(sum(awarded_cents), 0) FROM "{schema}".figures_call_awards '
    "WHERE call_code = $1 AND awarded_day <= $2 "
    "AND priority_sector IS NOT DISTINCT FROM s.priority_sector) AS awarded_cents "
    'FROM (SELECT DISTINCT priority_sector FROM "{schema}".figures_call_applications '
    "WHERE call_code = $1 AND submitted_day <= $2) AS s ORDER BY 1 NULLS LAST"
)


async def call_counts(conn: Connection, tenant: str, code: str, day: date) -> CallCounts:
    """A call's counts as recorded by the end of ``day``, from the figure views: a network
    sees every call, not every application (a regional one counts its region's)."""
    schema = stable_schema(tenant)
    (row,) = await conn.fetch(_CALL_FIGURES.format(schema=schema), code, day)
    sectors = await conn.fetch(_SECTOR_FIGURES.format(schema=schema), code, day)
    return CallCounts(
        applications=int(row["applications"]),
        selected=int(row["selected"]),
        awarded_cents=int(row["awarded_cents"]),
        by_sector=tuple(
            SectorCounts(
                priority_sector=s["priority_sector"],
                applications=int(s["applications"]),
                selected=int(s["selected"]),
                awarded_cents=int(s["awarded_cents"]),
            )
            for s in sectors
        ),
    )
