"""The envelope's typed rows from the read model to the API: `budget`, node(id:) and the
movements' pages read them with the SQL beside the read model (osezia/projections/budget.py),
and the sums the database adds up are those of the movements the projection wrote."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from osezia.domain.platform import Platform
from osezia.projections.budget import (
    EnvelopeRow,
    MovementRow,
    envelope,
    movement_page,
)
from osezia.projections.connections import connect
from osezia.projections.paging import decode_cursor
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of

ON = date(2026, 3, 2)
FIELDS = (
    "id openedBy asOf totalCents overrunCents committedCents paidCents openedAt "
    "measures { measure allocatedCents overrunCents committedCents paidCents availableCents } "
    "movements(first: 100) { totalCount edges { node { kind measure reference amountCents on "
    "recordedAt } } }"
)


def shown(row: EnvelopeRow, movements: list[MovementRow]) -> dict[str, Any]:
    """What the API shows of a typed envelope and its movements."""

    def total(kind: str, measure: str | None = None) -> int:
        return sum(v for (m, k), v in row.sums.items() if k == kind and measure in (None, m))

    return {
        "id": str(row.id),
        "openedBy": row.owner,
        "asOf": None,
        "totalCents": row.total_cents,
        "overrunCents": total("OVERRUN"),
        "committedCents": total("COMMITMENT"),
        "paidCents": total("PAYMENT"),
        "openedAt": row.opened_at.isoformat(),
        "measures": [
            {
                "measure": measure,
                "allocatedCents": allocated,
                "overrunCents": total("OVERRUN", measure),
                "committedCents": total("COMMITMENT", measure),
                "paidCents": total("PAYMENT", measure),
                "availableCents": (allocated or 0)
                + total("OVERRUN", measure)
                - total("COMMITMENT", measure),
            }
            for measure, allocated in row.allocations.items()
        ],
        "movements": {
            "totalCount": len(movements),
            "edges": [
                {
                    "node": {
                        "kind": m.kind,
                        "measure": m.measure,
                        "reference": m.reference,
                        "amountCents": m.amount_cents,
                        "on": m.on.isoformat(),
                        "recordedAt": m.at.isoformat(),
                    }
                }
                for m in movements
            ],
        },
    }


def test_budget_node_and_pages_show_the_envelopes_typed_rows(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    b = platform.budget
    budget_id = b.open_budget(
        "operator", total_cents=10_000, allocations={"DIAGNOSTICS": 3_000, "CALLS": 5_000}
    )
    b.commit_funds("bpifrance", measure="DIAGNOSTICS", amount_cents=2_500, reference="C1", on=ON)
    b.commit_funds("bpifrance", measure="CALLS", amount_cents=4_000, reference="K1", on=ON)
    b.pay_funds("bpifrance", measure="DIAGNOSTICS", reference="C1", amount_cents=1_000, on=ON)
    b.authorise_overrun(
        "operator", measure="DIAGNOSTICS", amount_cents=1_000, decision_reference="A7", on=ON
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    (written,) = asyncio.run(snapshot(database_url, "inria"))["budget"]

    async def read() -> tuple[EnvelopeRow | None, list[tuple[int, MovementRow]]]:
        conn = await connect(database_url)
        try:
            found = await envelope(conn, "inria", None)
            page = await movement_page(
                conn,
                "inria",
                str(budget_id),
                recorded=4,
                cutoff=None,
                measure="DIAGNOSTICS",
                kind=None,
                first=2,
            )
        finally:
            await conn.close()
        # Each movement with the position its cursor names.
        return found, [(int(str(decode_cursor(c)[0])), m) for c, m in page.edges()]

    found, diagnostics = asyncio.run(read())
    api = Api(database_url, platform)
    budget = api.run("inria", f"{{ budget {{ {FIELDS} }} }}")["budget"]
    node = api.run("inria", f'{{ node(id: "{budget_id}") {{ ... on Budget {{ {FIELDS} }} }} }}')

    # The database's sums are those of the movements the projection wrote.
    expected = EnvelopeRow.from_row(written)
    movements = [MovementRow.from_data(m) for m in written["movements"]]
    assert found == expected
    assert expected.sums == {
        ("DIAGNOSTICS", "COMMITMENT"): 2_500,
        ("CALLS", "COMMITMENT"): 4_000,
        ("DIAGNOSTICS", "PAYMENT"): 1_000,
        ("DIAGNOSTICS", "OVERRUN"): 1_000,
    }
    assert [m.reference for m in movements] == ["C1", "K1", "C1", "A7"]
    assert all(m.on == ON for m in movements)
    # The first two of the measure's movements, at their positions in the list.
    assert diagnostics == [(1, movements[0]), (3, movements[2])]
    assert budget == shown(expected, movements)
    assert node["node"] == shown(expected, movements)
