"""Counts over the whole plan (they name no company), now or as of the end of a past day.

As of day D, each count is read from the spans of days over which it held (the
`figures_*_history` views): the rows with from_day <= D and until_day, if any, after D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema

# The figures_companies view's columns (osezia.projections.schemas) and their order, which a
# page written as JSON reads (osezia.graphql.prebuilt).
COMPANY_COUNT_COLUMNS = (
    ("region", "text"),
    ("segment", "text"),
    ("adoption_stage", "text"),
    ("companies", "bigint"),
)
_COMPANY_COUNT_ORDER = "region, segment, adoption_stage"
_HELD_ON = "WHERE from_day <= $1 AND (until_day IS NULL OR until_day > $1) "


@dataclass(frozen=True)
class CompanyCount:
    region: str
    segment: str | None
    adoption_stage: str
    companies: int


@dataclass(frozen=True)
class DiagnosticCount:
    region: str
    status: str
    diagnostics: int
    cofinancing_cents: int


async def company_counts(
    conn: Connection, tenant: str, as_of: date | None = None
) -> list[CompanyCount]:
    """Companies by region, segment and adoption stage: now, or at the end of ``as_of``."""
    schema = stable_schema(tenant)
    if as_of is None:
        rows = await conn.fetch(
            "SELECT region, segment, adoption_stage, companies "
            f'FROM "{schema}".figures_companies ORDER BY {_COMPANY_COUNT_ORDER}'
        )
    else:
        rows = await conn.fetch(
            "SELECT region, segment, adoption_stage, sum(companies)::bigint AS companies "
            f'FROM "{schema}".figures_companies_history {_HELD_ON}'
            "GROUP BY 1, 2, 3 ORDER BY region, segment, adoption_stage",
            as_of,
        )
    return [CompanyCount(*r) for r in rows]  # selected in the row class's order


async def company_count_nodes(conn: Connection, tenant: str, node: str) -> list[str | None]:
    """The current counts of ``company_counts``, in its order, each as the JSON text the SQL
    expression ``node`` writes of its row."""
    rows = await conn.fetch(
        f'SELECT {node} FROM "{stable_schema(tenant)}".figures_companies '
        f"ORDER BY {_COMPANY_COUNT_ORDER}"
    )
    return [text for (text,) in rows]


async def diagnostic_counts(
    conn: Connection, tenant: str, as_of: date | None = None
) -> list[DiagnosticCount]:
    """Diagnostics by region and status, with the co-financing paid to them: now, or at the
    end of ``as_of``."""
    schema = stable_schema(tenant)
    if as_of is None:
        rows = await conn.fetch(
            "SELECT region, status, diagnostics, cofinancing_cents "
            f'FROM "{schema}".figures_diagnostics ORDER BY region, status'
        )
    else:
        rows = await conn.fetch(
            "SELECT region, status, sum(diagnostics)::bigint AS diagnostics, "
            "sum(cofinancing_cents)::bigint AS cofinancing_cents "
            f'FROM "{schema}".figures_diagnostics_history {_HELD_ON}'
            "GROUP BY 1, 2 ORDER BY region, status",
            as_of,
        )
    return [DiagnosticCount(*r) for r in rows]  # selected in the row class's order
