"""A call's and an application's typed rows from the read models to the API: every call, the
applications' page and a call's counts (their SQL in osezia/projections/calls_rows.py) read
back what the projection wrote."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.asof import today
from osezia.projections.calls import APPLICATIONS, CALLS
from osezia.projections.calls_rows import (
    APPLICATION_COLUMNS,
    CALL_COLUMNS,
    AwardedPhaseRow,
    CallApplicationRow,
    CallRow,
    applications_page,
    call_counts,
    every_call,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of
from tests.integration.rows_support import read_as

ON = date(2025, 11, 3)


def test_calls_and_applications_read_back_typed_as_the_projection_wrote_them(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    platform.calls.today = lambda: ON
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )
    call = platform.calls.open_call(
        "operator", code="PIONNIERS_IA", opens_on=date(2025, 9, 18), closes_on=date(2026, 3, 31)
    )
    application = platform.calls.submit_application(
        "cci",
        call_id=call,
        company_id=company,
        project_title="Cobotique",
        consortium_sirens=("732829320",),
    )
    platform.calls.select_application("inria", application)
    platform.calls.award_phase(
        "inria", application, phase=1, amount_cents=15_000_001, months=9, on=ON
    )
    platform.calls.evaluate_gate("inria", application, phase=1, passed=True, on=ON, comment="revue")
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    written = asyncio.run(snapshot(database_url, "cci"))
    calls = read_as(database_url, "cci", lambda conn: every_call(conn, "cci"))
    found = read_as(
        database_url,
        "cci",
        lambda conn: applications_page(
            conn,
            "cci",
            call_code="PIONNIERS_IA",
            status=None,
            stage="PHASE_PASSED",
            awarded_from=ON,
            awarded_until=ON,
            first=5,
            after=None,
        ),
    )
    day = today()  # the figure views count by the day in France each step was recorded
    counts = read_as(
        database_url, "cci", lambda conn: call_counts(conn, "cci", "PIONNIERS_IA", day)
    )

    assert calls == [CallRow.from_row(r) for r in written["calls"]]
    assert [p.number for p in calls[0].phases] == sorted(p.number for p in calls[0].phases)
    (row,) = found.rows
    assert [row] == [CallApplicationRow.from_row(r) for r in written["call_applications"]]
    assert (row.status, row.consortium, row.awarded_cents) == (
        "PHASE_1_PASSED",
        ("732829320",),
        15_000_001,
    )
    (phase,) = row.phases
    assert isinstance(phase, AwardedPhaseRow)
    assert (phase.awarded_on, phase.gate_on, phase.gate_passed) == (ON, ON, True)
    assert phase.gate_at is not None
    assert phase.awarded_at <= phase.gate_at
    assert (counts.applications, counts.selected, counts.awarded_cents) == (1, 1, 15_000_001)
    assert [s.priority_sector for s in counts.by_sector] == [None]

    node = Api(database_url, platform).run(
        "cci",
        f'{{ node(id: "{application}") {{ ... on CallApplication {{ stage consortiumSirens '
        "phases { awardedOn gatePassed amountCents } } } }",
    )["node"]
    assert node == {
        "stage": "PHASE_PASSED",
        "consortiumSirens": ["732829320"],
        "phases": [{"awardedOn": "2025-11-03", "gatePassed": True, "amountCents": 15_000_001}],
    }


def test_call_rows_read_only_columns_the_read_models_declare() -> None:
    assert set(CALL_COLUMNS.split(", ")) <= set(CALLS.column_names)
    assert set(APPLICATION_COLUMNS.split(", ")) <= set(APPLICATIONS.column_names)
