"""A diagnostic's typed row from the read model to the API: the page and the use-case counts
(their SQL in osezia/projections/diagnostics_rows.py) read back what the projection wrote."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.diagnostics import TABLE
from osezia.projections.diagnostics_rows import (
    READ_COLUMNS,
    DiagnosticRow,
    UseCaseCountRow,
    UseCaseRow,
    diagnostics_page,
    use_case_counts,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of
from tests.integration.rows_support import read_as

NO_PERIOD = (None, None)


def test_a_diagnostics_row_reads_back_typed_as_the_projection_wrote_it(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    d = platform.diagnostics
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )
    paid = d.request_diagnostic("cci", company_id=company)
    d.check_eligibility("cci", paid)
    d.assign_expert("cci", paid, expert="Lumen")
    d.log_expert_days("cci", paid, days=2)
    d.deliver_inventory("cci", paid)
    d.identify_use_cases("cci", paid, use_cases=[UseCase("TRI", "Tri"), UseCase("HR", "RH")])
    d.prioritise_use_cases(
        "cci", paid, scores=[UseCaseScore("HR", 5, 4), UseCaseScore("TRI", 3, 2)]
    )
    d.deliver_report("cci", paid, on=date(2026, 3, 4))
    d.pay_cofinancing("cci", paid, price_cents=1_000_001)
    cancelled = d.request_diagnostic("cci", company_id=company)
    d.cancel_diagnostic("cci", cancelled, reason="abandon")
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    written = [
        DiagnosticRow.from_row(r) for r in asyncio.run(snapshot(database_url, "cci"))["diagnostics"]
    ]
    found = read_as(
        database_url,
        "cci",
        lambda conn: diagnostics_page(
            conn,
            "cci",
            status=None,
            region="53",
            segment=None,
            size_category=None,
            requested=NO_PERIOD,
            delivered=NO_PERIOD,
            paid=NO_PERIOD,
            cutoff=None,
            first=10,
            after=None,
        ),
    )
    counts = read_as(
        database_url,
        "cci",
        lambda conn: use_case_counts(
            conn,
            "cci",
            region=None,
            segment=None,
            size_category=None,
            paid=NO_PERIOD,
            cutoff=None,
        ),
    )

    rows = found.rows
    assert sorted(rows, key=lambda r: r.id) == sorted(written, key=lambda r: r.id)
    assert [r.id for r in rows] == [paid, cancelled]  # oldest request first
    first = rows[0]
    assert first.use_cases == (UseCaseRow("HR", "RH", 1, 5, 4), UseCaseRow("TRI", "Tri", 2, 3, 2))
    assert (first.report_delivered_on, first.expert_days_logged) == (date(2026, 3, 4), 2)
    assert first.price_cents == 1_000_001
    assert isinstance(first.cofinancing_cents, int)
    assert [s.status for s in first.status_history][-1] == "COFINANCING_PAID"
    assert (rows[1].status, rows[1].cancel_reason) == ("CANCELLED", "abandon")
    assert (counts.diagnostics, counts.companies) == (1, 1)
    assert counts.use_cases == (UseCaseCountRow("HR", "RH", 1), UseCaseCountRow("TRI", "Tri", 1))

    node = Api(database_url, platform).run(
        "cci",
        f'{{ node(id: "{paid}") {{ ... on Diagnostic {{ status requestedBy cofinancingCents '
        "useCases { code rank } } } }",
    )["node"]
    assert node == {
        "status": "COFINANCING_PAID",
        "requestedBy": "cci",
        "cofinancingCents": first.cofinancing_cents,
        "useCases": [{"code": "HR", "rank": 1}, {"code": "TRI", "rank": 2}],
    }


def test_a_diagnostics_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
