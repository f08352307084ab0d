"""The envelope's row read as it stood at a cutoff, and its movements read a page at a time.

The read model keeps every movement (commitment, payment, authorised overrun) in the order
recorded, each with its recorded time `at`, in an append-only jsonb list. Every total of the
row is a sum of those movements: committed and paid by measure are the COMMITMENT and PAYMENT
amounts, the overruns by measure the OVERRUN amounts (all measures start at 0 when the envelope
is opened). So the envelope as of a cutoff is the row with only the movements recorded before
it, every total summed again from them; the allocations and the total are fixed at opening.
A movement's position in the list (from 1) is its stable key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema

# Sums by measure and kind, of the movements recorded before $1 (every one when $1 is null).
_SUMS = (
    "SELECT coalesce(jsonb_agg(jsonb_build_array(s.measure, s.kind, s.cents)), '[]'::jsonb) "
    "FROM (SELECT m ->> 'measure' AS measure, m ->> 'kind' AS kind, "
    "sum((m ->> 'amount_cents')::bigint)::bigint AS cents "
    "FROM jsonb_array_elements(b.movements) m "
    "WHERE $1::timestamptz IS NULL OR (m ->> 'at')::timestamptz < $1 GROUP BY 1, 2) s"
)


@dataclass(frozen=True)
class MovementPage:
    movements: list[tuple[int, dict[str, Any]]]  # (position, movement), in the order recorded
    has_next: bool
    total: int


async def envelope(conn: Connection, tenant: str, cutoff: datetime | None) -> dict[str, Any] | None:
    """The envelope as recorded before the cutoff (as it stands, without one): None if it was
    not open yet. `sums` maps (measure, kind) to the amount of its movements, and `recorded`
    is how many movements the list held when read (the movements' pages read no further)."""
    row = await conn.fetchrow(
        "SELECT b.id, b.owner, b.total_cents, b.allocations, b.opened_at, "
        f"jsonb_array_length(b.movements) AS recorded, ({_SUMS}) AS sums "
        f'FROM "{stable_schema(tenant)}".budget b '
        "WHERE $1::timestamptz IS NULL OR b.opened_at < $1 LIMIT 1",
        cutoff,
    )
    if row is None:
        return None
    found = dict(row)
    found["sums"] = {(measure, kind): cents for measure, kind, cents in found["sums"]}
    return found


async def movement_page(
    conn: Connection,
    tenant: str,
    budget_id: str,
    *,
    recorded: int,
    cutoff: datetime | None,
    measure: str | None,
    kind: str | None,
    first: int,
    after: int,
) -> MovementPage:
    """Movements at positions after `after` and up to `recorded`, recorded before the cutoff
    (if any), of the measure and kind (if given); at most `first`, and how many match in all."""
    found = await conn.fetchrow(
        "WITH m AS MATERIALIZED ("
        "SELECT m.n, m.value "
        f'FROM "{stable_schema(tenant)}".budget b '
        "CROSS JOIN LATERAL jsonb_array_elements(b.movements) WITH ORDINALITY AS m(value, n) "
        "WHERE b.id = $1::uuid AND m.n <= $2 "
        "AND ($3::timestamptz IS NULL OR (m.value ->> 'at')::timestamptz < $3) "
        "AND ($4::text IS NULL OR m.value ->> 'measure' = $4) "
        "AND ($5::text IS NULL OR m.value ->> 'kind' = $5)) "
        "SELECT (SELECT count(*) FROM m) AS total, "
        "(SELECT coalesce(jsonb_agg(jsonb_build_array(p.n, p.value) ORDER BY p.n), '[]'::jsonb) "
        "FROM (SELECT n, value FROM m WHERE n > $6 ORDER BY n LIMIT $7) p) AS page",
        budget_id,
        recorded,
        cutoff,
        measure,
        kind,
        after,
        first + 1,
    )
    assert found is not None  # an aggregate always answers one row
    page = [(int(n), movement) for n, movement in found["page"]]
    return MovementPage(movements=page[:first], has_next=len(page) > first, total=found["total"])
