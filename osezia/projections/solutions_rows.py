"""The solutions catalogue and the adoptions as the API reads them: typed rows, and the SQL
that reads them (pages of providers, solutions and adoptions, and a diagnostic's matches)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.domain.solutions.model import SOVEREIGN, Sovereignty
from osezia.projections.conditions import filters
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, page
from osezia.projections.rows import columns_of, row_of
from osezia.projections.solutions import ADOPTIONS, PROVIDERS, SOLUTIONS


@dataclass(frozen=True)
class ProviderRow:
    """A provider of AI solutions as readers see it, listed once by SIREN."""

    id: UUID
    owner: str
    siren: str
    name: str
    sovereignty: str
    listed_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ProviderRow:
        """From a row of the providers view that holds at least PROVIDER_COLUMNS."""
        return row_of(cls, row)


@dataclass(frozen=True)
class SolutionRow:
    """A solution of the catalogue as readers see it; its sovereignty is the provider's when
    it was listed."""

    id: UUID
    owner: str
    provider_id: UUID
    provider_name: str
    provider_siren: str
    name: str
    description: str
    categories: tuple[str, ...]
    sovereignty: str
    turnkey: bool
    status: str
    withdrawn_reason: str | None
    listed_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SolutionRow:
        """From a row of the solutions view that holds at least SOLUTION_COLUMNS."""
        return row_of(cls, row, categories=tuple(row["categories"]))


@dataclass(frozen=True)
class AdoptionRow:
    """A company's adoption of a solution, as the network that recorded it saw both then."""

    id: UUID
    owner: str
    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    segment: str | None
    solution_id: UUID
    solution_name: str
    categories: tuple[str, ...]
    sovereignty: str
    adopted_on: date
    adopted_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AdoptionRow:
        """From a row of the adoptions view that holds at least ADOPTION_COLUMNS."""
        return row_of(cls, row, categories=tuple(row["categories"]))


PROVIDER_COLUMNS = columns_of(ProviderRow)
SOLUTION_COLUMNS = columns_of(SolutionRow)
ADOPTION_COLUMNS = columns_of(AdoptionRow)
CATALOGUE_ORDER = "name"  # providers and solutions are listed by name (then id)
ADOPTIONS_ORDER = "adopted_at"  # adoptions by recorded time (then id)


async def providers_page(
    conn: Connection,
    tenant: str,
    *,
    sovereignty: str | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[ProviderRow]:
    """One page of the providers, by name; of one sovereignty when given. Its rows are
    ProviderRows, read from PROVIDER_COLUMNS."""
    return await page(
        conn,
        tenant,
        PROVIDERS.name,
        columns=PROVIDER_COLUMNS,
        sort=CATALOGUE_ORDER,
        sort_type="text",
        of=ProviderRow.from_row,
        filters=filters([("sovereignty = {}", sovereignty)]),
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def solutions_page(
    conn: Connection,
    tenant: str,
    *,
    category: str | None,
    sovereign_only: bool,
    include_withdrawn: bool,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[SolutionRow]:
    """One page of the catalogue's solutions, by name: of a use-case category when given, of
    French or European providers only when asked, the active ones unless withdrawn ones are
    asked too. Its rows are SolutionRows, read from SOLUTION_COLUMNS."""
    conditions = (
        ("categories ? {}", category),
        ("sovereignty = ANY({})", sorted(SOVEREIGN) if sovereign_only else None),
        ("status = {}", None if include_withdrawn else "ACTIVE"),
    )
    return await page(
        conn,
        tenant,
        SOLUTIONS.name,
        columns=SOLUTION_COLUMNS,
        sort=CATALOGUE_ORDER,
        sort_type="text",
        of=SolutionRow.from_row,
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def adoptions_page(
    conn: Connection,
    tenant: str,
    *,
    region: str | None,
    solution_id: UUID | None,
    sovereignty: str | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[AdoptionRow]:
    """One page of the adoptions the tenant sees, by recorded time; a filter left None is not
    applied. Its rows are AdoptionRows, read from ADOPTION_COLUMNS."""
    conditions = (
        ("region = {}", region),
        ("solution_id = {}", solution_id),
        ("sovereignty = {}", sovereignty),
    )
    return await page(
        conn,
        tenant,
        ADOPTIONS.name,
        columns=ADOPTION_COLUMNS,
        sort=ADOPTIONS_ORDER,
        sort_type="timestamptz",
        of=AdoptionRow.from_row,
        filters=filters(conditions),
        first=first,
        after=after,
        last=last,
        before=before,
    )


@dataclass(frozen=True)
class SolutionMatch:
    """An active solution that serves one of a diagnostic's use cases."""

    use_case_code: str
    use_case_title: str
    use_case_rank: int | None
    solution: SolutionRow


# The catalogue puts French solutions first, then European ones.
_SOVEREIGNTY_ORDER = "ARRAY[" + ", ".join(f"'{s}'" for s in Sovereignty) + "]"


async def matching_solutions(
    conn: Connection, tenant: str, diagnostic_id: UUID
) -> list[SolutionMatch] | None:
    """The active solutions whose categories include a use case of the diagnostic, by use-case
    rank, then sovereignty, then name; None when the tenant does not see the diagnostic."""
    schema = stable_schema(tenant)
    seen = await conn.fetchval(
        f'SELECT true FROM "{schema}".diagnostics WHERE id = $1', diagnostic_id
    )
    if seen is None:
        return None
    # use_cases is kept in priority order once prioritised, in identification order before:
    # the position in the array is the rank either way.
    columns = columns_of(SolutionRow, prefix="s.")
    records = await conn.fetch(
        "SELECT u.value ->> 'code' AS use_case_code, u.value ->> 'title' AS use_case_title, "
        f"(u.value ->> 'rank')::integer AS use_case_rank, {columns} "
        f'FROM "{schema}".diagnostics d '
        "CROSS JOIN LATERAL jsonb_array_elements(d.use_cases) WITH ORDINALITY AS u(value, n) "
        f"JOIN \"{schema}\".solutions s ON s.categories ? (u.value ->> 'code') "
        "WHERE d.id = $1 AND s.status = 'ACTIVE' "
        f"ORDER BY u.n, array_position({_SOVEREIGNTY_ORDER}, s.sovereignty), s.name, s.id",
        diagnostic_id,
    )
    return [
        SolutionMatch(
            use_case_code=record["use_case_code"],
            use_case_title=record["use_case_title"],
            use_case_rank=record["use_case_rank"],
            solution=SolutionRow.from_row(dict(record)),
        )
        for record in records
    ]
