"""A partnership's typed row from the read model to the API: the partnerships' page and the
years' signatures (their SQL in osezia/projections/partnerships.py) read back what the
projection wrote."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.partnerships import (
    READ_COLUMNS,
    TABLE,
    PartnershipRow,
    partnerships_page,
    signed_partnerships,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of
from tests.integration.rows_support import read_as

SIGNED, STARTED = date(2026, 3, 4), date(2026, 4, 1)


def test_a_partnerships_row_reads_back_typed_as_the_projection_wrote_it(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )
    platform.referrals.share_company(
        "cci",
        company,
        to_tenant="inria",
        purpose="PARTNERSHIP",
        reason="recherche",
        consent_reference="accord",
    )
    p = platform.partnerships
    signed = p.propose_partnership(
        "inria", research_team="Inria Rennes", topic="Vision", company_id=company
    )
    proposed = p.propose_partnership(
        "inria", research_team="Inria Lille", topic="Robotique", company_id=company
    )
    p.sign_partnership("inria", signed, on=SIGNED)
    p.start_partnership("inria", signed, on=STARTED)
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    snapshot_rows = asyncio.run(snapshot(database_url, "inria"))["partnerships"]
    written = {r.id: r for r in map(PartnershipRow.from_row, snapshot_rows)}
    found = read_as(
        database_url,
        "inria",
        lambda conn: partnerships_page(
            conn,
            "inria",
            status=None,
            year=None,
            signed=(None, None),
            cutoff=None,
            first=5,
            after=None,
        ),
    )
    later = datetime.now(UTC) + timedelta(hours=1)
    years = read_as(
        database_url,
        "inria",
        lambda conn: signed_partnerships(conn, "inria", year=2026, cutoff=later),
    )

    rows = found.rows
    assert rows == [written[signed], written[proposed]]  # by proposal
    first = rows[0]
    assert (first.status, first.signed_on, first.year, first.started_on) == (
        "STARTED",
        SIGNED,
        2026,
        STARTED,
    )
    assert first.size_category == "PME"
    assert first.signed_at is not None
    assert (rows[1].status, rows[1].signed_at, rows[1].year) == ("PROPOSED", None, None)
    # Everything was recorded before the cutoff: the row as of then is the row.
    assert years == [written[signed]]

    node = Api(database_url, platform).run(
        "inria",
        f'{{ node(id: "{signed}") {{ ... on Partnership {{ status signedOn sizeCategory '
        "withAnSme } } }",
    )["node"]
    assert node == {
        "status": "STARTED",
        "signedOn": "2026-03-04",
        "sizeCategory": "PME",
        "withAnSme": True,
    }


def test_a_partnerships_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
