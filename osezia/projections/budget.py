"""The plan's budget envelope: allocations, overruns, and every commitment and payment made.

The read model keeps every movement (commitment, payment, authorised overrun) in the order
recorded, each with its recorded time `at`, in an append-only jsonb list. Every total of the
row is a sum of those movements: committed and paid by measure are the COMMITMENT and PAYMENT
amounts, the overruns by measure the OVERRUN amounts (all measures start at 0 when the envelope
is opened). So the envelope as of a cutoff is the row with only the movements recorded before
it, every total summed again from them; the allocations and the total are fixed at opening.
A movement's position in the list (from 1) is its stable key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from osezia.domain.budget.model import Envelope
from osezia.domain.errors import InvalidValue
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.paging import Page, decode_cursor, encode_cursor, page_size
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

TABLE = Table(
    "budget",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("total_cents", "bigint"),
        ("allocations", "jsonb"),
        ("overruns", "jsonb"),
        ("movements", "jsonb"),
        ("committed_cents", "bigint"),
        ("paid_cents", "bigint"),
        ("opened_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def opened(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "total_cents": data["total_cents"],
        "allocations": dict(data["allocations"]),
        "overruns": dict.fromkeys(data["allocations"], 0),
        "movements": [],
        "committed_cents": 0,
        "paid_cents": 0,
        "opened_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def _movement(kind: str, reference: str, event: StoredEvent) -> dict[str, object]:
    """One line of the envelope's history; `at` is when it was recorded."""
    return {
        "kind": kind,
        "measure": event.data["measure"],
        "reference": reference,
        "amount_cents": event.data["amount_cents"],
        "on": event.data["on"].isoformat(),
        "at": event.timestamp.isoformat(),
    }


def funds_committed(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        movements=[*row["movements"], _movement("COMMITMENT", event.data["reference"], event)],
        committed_cents=row["committed_cents"] + event.data["amount_cents"],
    )


def funds_paid(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        movements=[*row["movements"], _movement("PAYMENT", event.data["reference"], event)],
        paid_cents=row["paid_cents"] + event.data["amount_cents"],
    )


def overrun_authorised(row: Row, event: StoredEvent) -> Row:
    measure, amount = event.data["measure"], event.data["amount_cents"]
    decision = event.data["decision_reference"]
    overruns = dict(row["overruns"])
    overruns[measure] = overruns.get(measure, 0) + amount
    return touch(
        row,
        event,
        movements=[*row["movements"], _movement("OVERRUN", decision, event)],
        overruns=overruns,
    )


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], None, ()


MODEL = ReadModel(
    kind="budget",
    table=TABLE,
    creates={topic(Envelope.Opened): opened},
    updates={
        topic(Envelope.FundsCommitted): funds_committed,
        topic(Envelope.FundsPaid): funds_paid,
        topic(Envelope.OverrunAuthorised): overrun_authorised,
    },
    scope=scope,
)

MODELS: tuple[ReadModel, ...] = (MODEL,)


def figure_views(region: str | None) -> dict[str, str]:
    """The envelope by measure (with the day it was opened), and its movements summed by
    measure, kind and the day they were recorded (in Paris). The budget is national: the region
    is ignored."""
    return {
        "figures_budget": (
            "SELECT a.key AS measure, a.value::bigint AS allocated_cents, "
            "coalesce((b.overruns ->> a.key)::bigint, 0) AS overrun_cents, "
            "(b.opened_at AT TIME ZONE 'Europe/Paris')::date AS opened_day "
            f"FROM {PLATFORM}.budget b CROSS JOIN LATERAL jsonb_each_text(b.allocations) a"
        ),
        "figures_budget_movements": (
            "SELECT m ->> 'measure' AS measure, m ->> 'kind' AS kind, "
            "((m ->> 'at')::timestamptz AT TIME ZONE 'Europe/Paris')::date AS day, "
            "sum((m ->> 'amount_cents')::bigint)::bigint AS amount_cents "
            f"FROM {PLATFORM}.budget b CROSS JOIN LATERAL jsonb_array_elements(b.movements) m "
            "GROUP BY 1, 2, 3"
        ),
    }


@dataclass(frozen=True)
class MovementRow:
    """A line of the envelope's history: a COMMITMENT, a PAYMENT or an authorised OVERRUN of
    a measure; `reference` is the commitment's, or the decision's; `at` when it was recorded."""

    kind: str
    measure: str
    reference: str
    amount_cents: int
    on: date
    at: datetime

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> MovementRow:
        """From one movement of the envelope's jsonb list (dates and times as ISO strings)."""
        return cls(
            kind=data["kind"],
            measure=data["measure"],
            reference=data["reference"],
            amount_cents=data["amount_cents"],
            on=date.fromisoformat(data["on"]),
            at=datetime.fromisoformat(data["at"]),
        )


Sums = Mapping[tuple[str, str], int]  # amounts by (measure, kind)


def sums_of(movements: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
    """The amounts of the movements by (measure, kind)."""
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for movement in movements:
        sums[movement["measure"], movement["kind"]] += movement["amount_cents"]
    return dict(sums)


@dataclass(frozen=True)
class EnvelopeRow:
    """The envelope as readers see it, as it stood at a cutoff (as it stands without one):
    what each measure was allotted (null when no allocation was published), the amounts of the
    movements recorded by then by (measure, kind), and how many movements the list held when
    read (its pages of movements read no further, so they agree with the sums)."""

    id: UUID
    owner: str
    total_cents: int
    allocations: Mapping[str, int | None]
    opened_at: datetime
    sums: Sums
    recorded: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EnvelopeRow:
        """The envelope as it stands, from a whole row of the budget view."""
        movements = row["movements"]
        return cls(
            id=row["id"],
            owner=row["owner"],
            total_cents=row["total_cents"],
            allocations=dict(row["allocations"]),
            opened_at=row["opened_at"],
            sums=sums_of(movements),
            recorded=len(movements),
        )


# Sums by measure and kind, of the movements recorded before $1 (every one when $1 is null).
_SUMS = (
    "SELECT coalesce(jsonb_agg(jsonb_build_array(s.measure, s.kind, s.cents)), '[]'::jsonb) "
    "FROM (SELECT m ->> 'measure' AS measure, m ->> 'kind' AS kind, "
    "sum((m ->> 'amount_cents')::bigint)::bigint AS cents "
    "FROM jsonb_array_elements(b.movements) m "
    "WHERE $1::timestamptz IS NULL OR (m ->> 'at')::timestamptz < $1 GROUP BY 1, 2) s"
)


async def envelope(conn: Connection, tenant: str, cutoff: datetime | None) -> EnvelopeRow | None:
    """The envelope as recorded before the cutoff (as it stands, without one): None if it was
    not open yet. Its sums are read in the database, not its movements."""
    row = await conn.fetchrow(
        "SELECT b.id, b.owner, b.total_cents, b.allocations, b.opened_at, "
        f"jsonb_array_length(b.movements) AS recorded, ({_SUMS}) AS sums "
        f'FROM "{stable_schema(tenant)}".budget b '
        "WHERE $1::timestamptz IS NULL OR b.opened_at < $1 LIMIT 1",
        cutoff,
    )
    if row is None:
        return None
    return EnvelopeRow(
        id=row["id"],
        owner=row["owner"],
        total_cents=row["total_cents"],
        allocations=dict(row["allocations"]),
        opened_at=row["opened_at"],
        sums={(measure, kind): cents for measure, kind, cents in row["sums"]},
        recorded=row["recorded"],
    )


def movement_position(cursor: str, budget_id: str, recorded: int) -> int:
    """The position a cursor of this envelope's movements names (one of the `recorded` first)."""
    position, named = decode_cursor(cursor)
    if (
        named != budget_id
        or not isinstance(position, str)
        or not (position.isascii() and position.isdigit())
        or int(position) > recorded
    ):
        raise InvalidValue(f"cursor {cursor!r} is not one of this budget's movements")
    return int(position)


async def movement_page(
    conn: Connection,
    tenant: str,
    budget_id: str,
    *,
    recorded: int,
    cutoff: datetime | None,
    measure: str | None,
    kind: str | None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page[MovementRow]:
    """Movements up to position `recorded`, recorded before the cutoff (if any), of the measure
    and kind (if given), in the order recorded: the `first` after the cursor `after`, or the
    `last` before the cursor `before` (page_size's rules); how many match in all, and whether
    matching ones lie before and after the page. A movement's cursor is its position in the
    envelope's list, with the envelope's id."""
    start = 0 if after is None else movement_position(after, budget_id, recorded)
    end = None if before is None else movement_position(before, budget_id, recorded)
    size, backward = page_size(first, last)
    direction = "DESC" if backward else "ASC"
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
        "FROM (SELECT n, value FROM m WHERE n > $6 AND ($7::bigint IS NULL OR n < $7) "
        f"ORDER BY n {direction} LIMIT $8) p) AS page, "
        "EXISTS (SELECT 1 FROM m WHERE n <= $6) AS until_after, "
        "EXISTS (SELECT 1 FROM m WHERE n >= $7) AS from_before",
        budget_id,
        recorded,
        cutoff,
        measure,
        kind,
        start,
        end,
        size + 1,
    )
    assert found is not None  # an aggregate always answers one row
    page = [(int(n), MovementRow.from_data(movement)) for n, movement in found["page"]]
    more = len(page) > size
    page = page[-size:] if backward else page[:size]
    return Page(
        rows=[movement for _, movement in page],
        cursors=[encode_cursor(n, budget_id) for n, _ in page],
        has_next=found["from_before"] if backward else more,
        has_previous=more if backward else found["until_after"],
        total=found["total"],
    )
