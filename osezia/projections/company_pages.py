"""Pages of the companies a tenant sees, in SIREN order (then id): as typed rows, or as the
JSON that PostgreSQL writes of each (osezia.projections.json_nodes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from osezia.projections.companies import LIST_ORDER, READ_COLUMNS, TABLE, CompanyRow
from osezia.projections.conditions import filters
from osezia.projections.connections import Connection
from osezia.projections.json_nodes import node_columns
from osezia.projections.paging import Filter, Page, RowOf, page

R = TypeVar("R")


@dataclass(frozen=True)
class CompanyFilters:
    """What a list of companies is narrowed to; a filter left None is not applied, and a name
    matches by its first letters, whatever their case."""

    region: str | None = None
    departement: str | None = None
    segment: str | None = None
    naf_section: str | None = None
    adoption_stage: str | None = None
    name_starts_with: str | None = None

    def filters(self) -> list[Filter]:
        starts = self.name_starts_with
        prefix = starts.lower().replace("%", r"\%") + "%" if starts else None
        return filters(
            (
                ("region = {}", self.region),
                ("departement = {}", self.departement),
                ("segment = {}", self.segment),
                ("naf_section = {}", self.naf_section),
                ("adoption_stage = {}", self.adoption_stage),
                ("lower(legal_name) LIKE {}", prefix),
            )
        )


async def company_rows_page(
    conn: Connection,
    tenant: str,
    narrowed: CompanyFilters,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[CompanyRow]:
    """The page of `companies_read` as CompanyRows, read from READ_COLUMNS."""
    return await companies_read(
        conn,
        tenant,
        narrowed,
        READ_COLUMNS,
        CompanyRow.from_row,
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def companies_read(
    conn: Connection,
    tenant: str,
    narrowed: CompanyFilters,
    columns: str,
    of: RowOf[R],
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[R]:
    """One page of the companies the tenant sees, in SIREN order: `columns` read (the SIREN
    and the id among them, which cursors read), each row typed by `of`."""
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=columns,
        sort=LIST_ORDER,
        sort_type="text",
        of=of,
        filters=narrowed.filters(),
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def company_nodes_page(
    conn: Connection,
    tenant: str,
    narrowed: CompanyFilters,
    nodes: Sequence[str],
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[tuple[str | None, ...]]:
    """The page of `companies_read`, each row as the JSON texts that the node expressions
    (osezia.projections.json_nodes.node_sql) write of it."""
    columns, read = node_columns(nodes)
    select = ", ".join((LIST_ORDER, "id", *columns))
    return await companies_read(
        conn, tenant, narrowed, select, read, first=first, after=after, last=last, before=before
    )
