"""The SQL that finds a record by its id lives with the read models (what node(id:) reads): the
read model that holds it, and its row typed by that read model's reader, as a tenant sees it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.projections.companies import CompanyRow
from osezia.projections.diagnostics_rows import DiagnosticRow
from osezia.projections.paging import RowOf
from osezia.projections.records import record_by_id
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, snapshot, viewers_of
from tests.integration.rows_support import read_as
from tests.integration.test_node_and_loaders import register

READERS: Mapping[str, RowOf[Any]] = {
    "companies": CompanyRow.from_row,
    "diagnostics": DiagnosticRow.from_row,
}


def test_a_record_is_found_typed_in_its_read_model_and_not_by_another_network(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = register(platform, "cci", "443061841")
    diagnostic = platform.diagnostics.request_diagnostic("cci", company_id=company)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "cci"))

    def find(tenant: str, record: uuid.UUID) -> tuple[str, Any] | None:
        return read_as(
            database_url, tenant, lambda conn: record_by_id(conn, tenant, READERS, record)
        )

    (diagnostic_row,) = [r for r in written["diagnostics"] if r["id"] == diagnostic]
    (company_row,) = [r for r in written["companies"] if r["id"] == company]
    assert find("cci", diagnostic) == ("diagnostics", DiagnosticRow.from_row(diagnostic_row))
    assert find("cci", company) == ("companies", CompanyRow.from_row(company_row))
    # Another network's record is not found, exactly like an id that does not exist.
    assert find("french-tech", diagnostic) is None
    assert find("cci", uuid.uuid4()) is None


def test_a_name_that_is_not_a_read_model_never_reaches_the_sql(
    database_url: str, tenants: Tenants
) -> None:
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    readers = {"companies; DROP TABLE x": CompanyRow.from_row}
    with pytest.raises(ValueError, match="not a read model"):
        read_as(database_url, "cci", lambda conn: record_by_id(conn, "cci", readers, uuid.uuid4()))
