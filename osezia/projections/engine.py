"""Applying a batch of events to one data schema, exactly once.

Rows are read in bulk before the batch, changed in memory in log order, and written back with
one statement per table, in the same transaction as the schema's tracking position: a process
that dies at any point either committed the batch and its position, or neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from osezia.domain.personal import Subject
from osezia.projections import companies, erasure, referrals
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.log import events_of
from osezia.projections.readmodel import Create, ReadModel, Update, touch
from osezia.projections.registry import READ_MODELS
from osezia.projections.table import Row
from osezia.tenants.visibility import Viewer

_CREATES: dict[str, tuple[ReadModel, Create]] = {
    t: (model, create) for model in READ_MODELS for t, create in model.creates.items()
}
_UPDATES: dict[str, tuple[ReadModel, Update]] = {
    t: (model, update) for model in READ_MODELS for t, update in model.updates.items()
}


@dataclass
class _Rows:
    """The rows of one table that this batch reads and writes."""

    rows: dict[UUID, Row | None] = field(default_factory=dict)  # None: absent or deleted
    dirty: set[UUID] = field(default_factory=set)


@dataclass
class Batch:
    schema: str
    viewer: Viewer
    tables: dict[ReadModel, _Rows] = field(default_factory=lambda: defaultdict(_Rows))


async def read_position(conn: Connection, schema: str) -> int:
    position: int = await conn.fetchval(f'SELECT position FROM "{schema}".tracking')
    return position


async def apply_events(
    conn: Connection, schema: str, viewer: Viewer, events: Sequence[StoredEvent]
) -> int:
    """Apply the events and move the tracking position, inside the caller's transaction.

    Returns the new position. Events at or before the stored position are skipped, so a
    batch replayed after a crash changes nothing twice.
    """
    start = await conn.fetchval(f'SELECT position FROM "{schema}".tracking FOR UPDATE')
    events = [e for e in events if e.position > start]
    if not events:
        return int(start)
    batch = Batch(schema, viewer)
    await _prefetch(conn, batch, events)
    for event in events:
        await _apply(conn, batch, event)
    for model, state in batch.tables.items():
        upserts = [row for i in state.dirty if (row := state.rows[i]) is not None]
        deleted = [i for i in state.dirty if state.rows[i] is None]
        await model.table.write(conn, schema, upserts, deleted)
    end = events[-1].position
    await conn.execute(f'UPDATE "{schema}".tracking SET position = $1, updated_at = now()', end)
    return end


async def _prefetch(conn: Connection, batch: Batch, events: Sequence[StoredEvent]) -> None:
    wanted: dict[ReadModel, set[UUID]] = defaultdict(set)
    for event in events:
        found = _UPDATES.get(event.topic)
        if found is not None:
            wanted[found[0]].add(event.originator_id)
    for model, ids in wanted.items():
        state = batch.tables[model]
        fetched = await model.table.fetch(conn, batch.schema, list(ids))
        for i in ids:
            state.rows[i] = fetched.get(i)


async def _row(conn: Connection, batch: Batch, model: ReadModel, row_id: UUID) -> Row | None:
    state = batch.tables[model]
    if row_id not in state.rows:
        state.rows[row_id] = (await model.table.fetch(conn, batch.schema, [row_id])).get(row_id)
    return state.rows[row_id]


async def _rows(
    conn: Connection, batch: Batch, model: ReadModel, row_ids: Sequence[UUID]
) -> list[Row | None]:
    """``_row`` of each id, those the batch has not read yet fetched in one statement."""
    state = batch.tables[model]
    unread = [i for i in dict.fromkeys(row_ids) if i not in state.rows]
    if unread:
        fetched = await model.table.fetch(conn, batch.schema, unread)
        for i in unread:
            state.rows[i] = fetched.get(i)
    return [state.rows[i] for i in row_ids]


def _put(batch: Batch, model: ReadModel, row_id: UUID, row: Row | None) -> None:
    state = batch.tables[model]
    state.rows[row_id] = row
    state.dirty.add(row_id)


async def _apply(conn: Connection, batch: Batch, event: StoredEvent) -> None:
    if event.topic in erasure.TOPICS:
        await _erase(conn, batch, event)
        return
    created = _CREATES.get(event.topic)
    if created is not None:
        model, create = created
        row = create(event)
        owner, region, parties = model.scope(row)
        if batch.viewer.sees(model.kind, owner, region, parties):
            _put(batch, model, event.originator_id, row)
            if model is referrals.MODEL and row["to_tenant"] == batch.viewer.slug:
                await _share_company(conn, batch, row["company_id"], event)
            elif model in _ABOUT_A_COMPANY and owner == batch.viewer.slug and row["company_id"]:
                await _show_company(conn, batch, row["company_id"], event)
        return
    if event.topic == companies.FOLLOWED:
        await _follow(conn, batch, event)
        return
    if event.topic == companies.LEGAL_NAME_CORRECTED:
        await _correct_copies(conn, batch, event)  # then the company's rows, as any update
    updated = _UPDATES.get(event.topic)
    if updated is None:
        return  # an event no read model keeps (receipts, the tenant registry…)
    model, update = updated
    current = await _row(conn, batch, model, event.originator_id)
    if current is None:
        return  # a record this tenant does not see
    if model is companies.MODEL and not companies.concerns(current, event, batch.viewer.slug):
        return  # another follower's record
    _put(batch, model, event.originator_id, update(current, event))
    if model is referrals.MODEL and current["to_tenant"] == batch.viewer.slug:
        await _unshare_company(conn, batch, current["company_id"], event)


async def _erase(conn: Connection, batch: Batch, event: StoredEvent) -> None:
    """A person was erased: the rows of their records that this schema holds read « effacé »."""
    records: list[UUID] = event.data["records"]
    for model, columns in erasure.columns_of(event):
        # A person may have hundreds of records (a learner's trainings): one SELECT a model.
        rows = await _rows(conn, batch, model, records)
        for record_id, row in zip(records, rows, strict=True):
            if row is not None:
                _put(batch, model, record_id, erasure.scrubbed(row, columns, event))


async def _follow(conn: Connection, batch: Batch, event: StoredEvent) -> None:
    """A network follows a company: in its own schema, its record replaces whatever it saw
    (a referrer's record); the other schemas learn nothing."""
    if event.data["tenant"] != batch.viewer.slug:
        return
    current = await _row(conn, batch, companies.MODEL, event.originator_id)
    shared_via = current["shared_via"] if current is not None else []
    _put(batch, companies.MODEL, event.originator_id, companies.registered(event, shared_via))


async def _share_company(
    conn: Connection, batch: Batch, company_id: UUID, share: StoredEvent
) -> None:
    row = await _row(conn, batch, companies.MODEL, company_id)
    if row is None:
        # The company becomes visible now: its row is the referrer's record as of the share.
        events = await events_of(conn, company_id, up_to=share.position)
        row = companies.as_seen_by(events, share.data["tenant"])
        if row is None:
            return
    row["shared_via"] = [*row["shared_via"], str(share.originator_id)]
    _put(batch, companies.MODEL, company_id, row)


# Read models whose records are about one company and owned by one network.
_ABOUT_A_COMPANY = tuple(
    model
    for model in READ_MODELS
    if model not in (companies.MODEL, referrals.MODEL)
    and {"company_id", "owner"} <= set(model.table.column_names)
)


# The columns of records about one company alone that copy its name (those an erasure of a
# sole trader scrubs), by read model.
_NAME_COPIES = tuple(
    (model, columns)
    for model, columns in erasure.COLUMNS[Subject.SOLE_TRADER]
    if model in _ABOUT_A_COMPANY
)


async def _correct_copies(conn: Connection, batch: Batch, event: StoredEvent) -> None:
    """A company's name was corrected: the rows of records about it that copied the name take
    the corrected one. Their events keep the name before (« effacé » once a sole trader's older
    keys are destroyed): caught up or rebuilt, the rows end with the corrected name."""
    company_id, name = str(event.originator_id), event.data["legal_name"]
    for model, columns in _NAME_COPIES:
        stored = await conn.fetch(
            f'SELECT id FROM "{batch.schema}".{model.table.name} WHERE company_id = $1',
            event.originator_id,
        )
        # A record this batch created is not in the table yet: the batch's rows are looked at.
        held = [i for i, r in batch.tables[model].rows.items() if r is not None]
        ids = list(dict.fromkeys([r["id"] for r in stored] + held))
        for record_id, row in zip(ids, await _rows(conn, batch, model, ids), strict=True):
            if row is not None and str(row["company_id"]) == company_id:
                _put(batch, model, record_id, touch(row, event, **dict.fromkeys(columns, name)))


async def _show_company(
    conn: Connection, batch: Batch, company_id: UUID, record: StoredEvent
) -> None:
    """The viewer's own record is about a company it may not have seen yet: the company's row
    shows the viewer's record of it if it follows it, its registrant's otherwise."""
    if await _row(conn, batch, companies.MODEL, company_id) is not None:
        return
    events = await events_of(conn, company_id, up_to=record.position)
    row = companies.as_seen_by(events, batch.viewer.slug)
    if row is None:
        return
    owner, region, _ = companies.scope(row)
    if batch.viewer.sees_company(owner, region, (batch.viewer.slug,)):
        _put(batch, companies.MODEL, company_id, row)


async def _record_owners(conn: Connection, batch: Batch, company_id: UUID) -> tuple[str, ...]:
    """The viewer, when one of its own records is about the company; nobody otherwise."""
    viewer = batch.viewer.slug
    for model in _ABOUT_A_COMPANY:
        rows = batch.tables[model].rows.values()
        if any(
            r and str(r["company_id"]) == str(company_id) and r["owner"] == viewer for r in rows
        ):
            return (viewer,)
        found = await conn.fetchval(
            f'SELECT 1 FROM "{batch.schema}".{model.table.name} '
            "WHERE company_id = $1 AND owner = $2 LIMIT 1",
            company_id,
            viewer,
        )
        if found:
            return (viewer,)
    return ()


async def _unshare_company(
    conn: Connection, batch: Batch, company_id: UUID, revoked: StoredEvent
) -> None:
    row = await _row(conn, batch, companies.MODEL, company_id)
    if row is None:
        return
    left = [r for r in row["shared_via"] if r != str(revoked.originator_id)]
    row["shared_via"] = left
    owner, region, _ = companies.scope(row)
    # A viewer that sees the company on its own terms (it follows it, or sees every company)
    # keeps its row as it is.
    record_owners = await _record_owners(conn, batch, company_id)
    if not batch.viewer.sees_company(owner, region, record_owners):
        if not left:
            _put(batch, companies.MODEL, company_id, None)
            return
        # The row showed a referrer's record: it now shows the record of the earliest
        # referral left, as the write side resolves it.
        referral = await _row(conn, batch, referrals.MODEL, UUID(left[0]))
        if referral is not None and referral["from_tenant"] != owner:
            events = await events_of(conn, company_id, up_to=revoked.position)
            seen = companies.as_seen_by(events, referral["from_tenant"])
            if seen is not None:
                row = {**seen, "shared_via": left}
    _put(batch, companies.MODEL, company_id, row)
