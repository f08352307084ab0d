"""The diagnostics read model as the API reads it: typed rows, and the SQL that reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.projections.asof import as_it_stood
from osezia.projections.conditions import Condition, between, filters, paris_day, recorded_by
from osezia.projections.connections import Connection
from osezia.projections.diagnostics import TABLE
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page, where_clause
from osezia.projections.rows import columns_of


@dataclass(frozen=True)
class UseCaseRow:
    """A use case found by the expert, with its priority once scored."""

    code: str
    title: str
    rank: int | None
    value: int | None
    feasibility: int | None


@dataclass(frozen=True)
class StatusStep:
    """A status a diagnostic reached, and when it was recorded."""

    status: str
    at: datetime


@dataclass(frozen=True)
class DiagnosticRow:
    """A diagnostic as readers see it: the columns of the read model that the API shows, and
    the status history a row as of a past day is computed again from."""

    id: UUID
    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    segment: str | None
    owner: str
    status: str
    eligible: bool | None
    size_category: str | None
    expert: str | None
    expert_days_logged: int
    expert_days_cap: int
    use_cases: tuple[UseCaseRow, ...]
    report_delivered_on: date | None
    price_cents: int | None
    state_share_basis_points: int | None
    cofinancing_cents: int | None
    cancel_reason: str | None
    requested_at: datetime
    report_delivered_at: datetime | None
    cofinanced_at: datetime | None
    status_history: tuple[StatusStep, ...]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DiagnosticRow:
        """From a row of the diagnostics view that holds at least READ_COLUMNS."""
        return cls(
            id=row["id"],
            company_id=row["company_id"],
            company_siren=row["company_siren"],
            company_name=row["company_name"],
            region=row["region"],
            segment=row["segment"],
            owner=row["owner"],
            status=row["status"],
            eligible=row["eligible"],
            size_category=row["size_category"],
            expert=row["expert"],
            expert_days_logged=row["expert_days_logged"],
            expert_days_cap=row["expert_days_cap"],
            use_cases=tuple(
                UseCaseRow(
                    code=u["code"],
                    title=u["title"],
                    rank=u["rank"],
                    value=u["value"],
                    feasibility=u["feasibility"],
                )
                for u in row["use_cases"]
            ),
            report_delivered_on=row["report_delivered_on"],
            price_cents=row["price_cents"],
            state_share_basis_points=row["state_share_basis_points"],
            cofinancing_cents=row["cofinancing_cents"],
            cancel_reason=row["cancel_reason"],
            requested_at=row["requested_at"],
            report_delivered_at=row["report_delivered_at"],
            cofinanced_at=row["cofinanced_at"],
            status_history=tuple(
                StatusStep(step["status"], datetime.fromisoformat(step["at"]))
                for step in row["status_history"]
            ),
        )

    def recorded_before(self, cutoff: datetime) -> DiagnosticRow:
        """The diagnostic as its status history says it stood at the cutoff: the status then,
        without the milestones recorded after it (expert days and scores are shown as they
        are)."""
        steps = [step for step in self.status_history if step.at < cutoff]
        cleared: dict[str, Any] = {}
        for step in self.status_history[len(steps) :]:
            cleared |= _BROUGHT_BY.get(step.status, {})
        if steps:
            cleared["status"] = steps[-1].status
        return replace(self, **cleared)


# What each step of the status history brought, cleared when the step came after the cutoff.
_BROUGHT_BY: dict[str, dict[str, Any]] = {
    "ELIGIBLE": {"eligible": None, "size_category": None},
    "INELIGIBLE": {"eligible": None, "size_category": None},
    "EXPERT_ASSIGNED": {"expert": None},
    "USE_CASES_IDENTIFIED": {"use_cases": ()},
    "REPORT_DELIVERED": {"report_delivered_on": None, "report_delivered_at": None},
    "COFINANCING_PAID": {
        "price_cents": None,
        "state_share_basis_points": None,
        "cofinancing_cents": None,
        "cofinanced_at": None,
    },
    "CANCELLED": {"cancel_reason": None},
}

READ_COLUMNS = columns_of(DiagnosticRow)
LIST_ORDER = "requested_at"  # diagnostics are listed oldest request first (then id)


def status_as_of(cutoff: datetime | None) -> str:
    """The status in SQL: the one the history gives at the cutoff when there is one."""
    if cutoff is None:
        return "status"
    return (
        "coalesce((SELECT h.step->>'status' FROM jsonb_array_elements(status_history) "
        "WITH ORDINALITY AS h(step, n) "
        f"WHERE (h.step->>'at')::timestamptz < '{cutoff.isoformat()}'::timestamptz "
        "ORDER BY h.n DESC LIMIT 1), status)"
    )


def cofinanced(since: date | None, until: date | None, cutoff: datetime | None) -> list[Condition]:
    """Co-financed within [since, until] (days in France), and recorded before the cutoff."""
    return [
        *between(paris_day("cofinanced_at"), since, until),
        recorded_by("cofinanced_at", cutoff),
    ]


async def diagnostics_page(
    conn: Connection,
    tenant: str,
    *,
    status: str | None,
    region: str | None,
    segment: str | None,
    size_category: str | None,
    requested: tuple[date | None, date | None],
    delivered: tuple[date | None, date | None],
    paid: tuple[date | None, date | None],
    cutoff: datetime | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[DiagnosticRow]:
    """One page of the diagnostics the tenant sees, oldest request first; a filter left None is
    not applied, each period is [from, until] (either bound None for none), and with a cutoff
    only what was recorded before it counts. Its rows are DiagnosticRows,
    read from READ_COLUMNS, each as it stood at the cutoff (if any)."""
    conditions = [
        (f"{status_as_of(cutoff)} = {{}}", status),
        ("region = {}", region),
        ("segment = {}", segment),
        ("size_category = {}", size_category),
        ("requested_at >= {}::date", requested[0]),
        ("requested_at < ({}::date + 1)", requested[1]),
        recorded_by("requested_at", cutoff),
        *between("report_delivered_on", *delivered),
        recorded_by("report_delivered_at", cutoff if any(delivered) else None),
        *cofinanced(*paid, cutoff if any(paid) else None),
    ]

    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=LIST_ORDER,
        sort_type="timestamptz",
        of=as_it_stood(DiagnosticRow.from_row, cutoff),
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )


@dataclass(frozen=True)
class UseCaseCountRow:
    """How many diagnostics found a use case, with one of the titles experts gave it."""

    code: str
    title: str
    diagnostics: int


@dataclass(frozen=True)
class UseCaseCounts:
    """Diagnostics co-financed in a period, the distinct companies among them, and the use
    cases they found, most frequent first."""

    diagnostics: int
    companies: int
    use_cases: tuple[UseCaseCountRow, ...]


_USE_CASES = (
    "SELECT u->>'code' AS code, min(u->>'title') AS title, count(DISTINCT d.id) AS diagnostics "
    "FROM {source} d CROSS JOIN LATERAL jsonb_array_elements(d.use_cases) AS u "
    "WHERE cofinanced_at IS NOT NULL AND {where} GROUP BY 1 ORDER BY 3 DESC, 1"
)
_TOTALS = (
    "SELECT count(*) AS diagnostics, count(DISTINCT company_id) AS companies "
    "FROM {source} WHERE cofinanced_at IS NOT NULL AND {where}"
)


async def use_case_counts(
    conn: Connection,
    tenant: str,
    *,
    region: str | None,
    segment: str | None,
    size_category: str | None,
    paid: tuple[date | None, date | None],
    cutoff: datetime | None,
) -> UseCaseCounts:
    """The diagnostics the tenant sees co-financed within ``paid`` (days in France the payments
    were recorded, before the cutoff if any), and how many found each use case."""
    clause, params = where_clause(
        filters(
            [
                ("region = {}", region),
                ("segment = {}", segment),
                ("size_category = {}", size_category),
                *cofinanced(*paid, cutoff),
            ]
        )
    )
    source = f'"{stable_schema(tenant)}".{TABLE.name}'
    totals = await conn.fetchrow(_TOTALS.format(source=source, where=clause), *params)
    found = await conn.fetch(_USE_CASES.format(source=source, where=clause), *params)
    assert totals is not None  # an aggregate without GROUP BY gives one row
    return UseCaseCounts(
        diagnostics=totals["diagnostics"],
        companies=totals["companies"],
        use_cases=tuple(UseCaseCountRow(r["code"], r["title"], r["diagnostics"]) for r in found),
    )
