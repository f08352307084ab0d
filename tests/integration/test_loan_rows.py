"""A loan's typed row from the read model to the API: the loans' page and the figures as of a
day (their SQL in osezia/projections/loans.py) read back what the projection wrote."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.asof import today
from osezia.projections.loans import READ_COLUMNS, TABLE, LoanRow, loan_counts, loans_page
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of
from tests.integration.rows_support import read_as

APPLIED, GRANTED, PAID = date(2026, 1, 12), date(2026, 2, 2), date(2026, 3, 2)


def test_a_loans_row_reads_back_typed_as_the_projection_wrote_it(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )

    def apply(amount_cents: int) -> UUID:
        return platform.loans.apply_for_loan(
            "cci",
            company_id=company,
            amount_cents=amount_cents,
            term_months=84,
            purpose="Vision",
            on=APPLIED,
        )

    paid, refused = apply(30_000_001), apply(10_000_000)
    platform.loans.grant_guarantee("bpifrance", paid, on=GRANTED)
    platform.loans.disburse_loan("bpifrance", paid, amount_cents=29_000_001, on=PAID)
    platform.loans.refuse_guarantee("bpifrance", refused, on=GRANTED, reason="fonds propres")
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    written = [LoanRow.from_row(r) for r in asyncio.run(snapshot(database_url, "cci"))["loans"]]
    found = read_as(
        database_url,
        "cci",
        lambda conn: loans_page(
            conn,
            "cci",
            status=None,
            region="53",
            granted=(None, None),
            disbursed=(None, None),
            first=5,
            after=None,
        ),
    )
    counts = read_as(database_url, "french-tech", lambda c: loan_counts(c, "french-tech", today()))

    rows = found.rows
    assert sorted(rows, key=lambda r: r.id) == sorted(written, key=lambda r: r.id)
    assert [r.id for r in rows] == [paid, refused]  # oldest application first
    assert (rows[0].status, rows[0].granted_on, rows[0].disbursed_on) == (
        "DISBURSED",
        GRANTED,
        PAID,
    )
    assert (rows[0].amount_cents, rows[0].disbursed_cents) == (30_000_001, 29_000_001)
    assert (rows[1].status, rows[1].refused_on, rows[1].refuse_reason) == (
        "REFUSED",
        GRANTED,
        "fonds propres",
    )
    by_status = {c.status: c for c in counts}
    assert sorted(by_status) == ["DISBURSED", "REFUSED"]
    assert (by_status["DISBURSED"].loans, by_status["DISBURSED"].disbursed_cents) == (1, 29_000_001)
    assert by_status["REFUSED"].refused_day == today()

    node = Api(database_url, platform).run(
        "cci",
        f'{{ node(id: "{paid}") {{ ... on Loan {{ status appliedOn disbursedCents '
        "appliedThrough } } }",
    )["node"]
    assert node == {
        "status": "DISBURSED",
        "appliedOn": "2026-01-12",
        "disbursedCents": 29_000_001,
        "appliedThrough": "cci",
    }


def test_a_loans_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
