"""A person's erasure, applied to the read models: their fields read « effacé » in every row.

The erasure event (osezia.domain.privacy.model.Erasure) lists the records whose rows held the
person's fields; each target applies it in log order, like any event, so a batch that read a
row before it cannot write the old value back, a build under way applies it too, and a rebuild
reads the fields « effacé » from the events themselves (their keys are gone). Only the
person's own fields change: statuses, dates, counts and sums stay, and every figure with them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from osezia.domain.personal import ERASED, Subject
from osezia.domain.privacy.model import Erasure
from osezia.projections import (
    ambassadors,
    calls,
    companies,
    diagnostics,
    loans,
    partnerships,
    solutions,
    trainings,
)
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row

TOPICS = frozenset({topic(Erasure.Recorded), topic(Erasure.Repeated)})

# The columns each kind of person's fields are copied to, by read model.
COLUMNS: Mapping[Subject, tuple[tuple[ReadModel, tuple[str, ...]], ...]] = {
    Subject.AMBASSADOR: ((ambassadors.MODEL, ("full_name",)),),
    Subject.EXPERT: ((diagnostics.MODEL, ("expert",)),),
    Subject.LEARNER: ((trainings.MODEL, ("learner_ref",)),),
    # A sole trader's name, on the rows of records about their company alone.
    Subject.SOLE_TRADER: (
        (companies.MODEL, ("legal_name",)),
        (diagnostics.MODEL, ("company_name",)),
        (loans.MODEL, ("company_name",)),
        (partnerships.MODEL, ("company_name",)),
        (calls.APPLICATION_MODEL, ("company_name",)),
        (solutions.ADOPTION_MODEL, ("company_name",)),
        (solutions.PROVIDER_MODEL, ("name",)),
        (solutions.SOLUTION_MODEL, ("provider_name",)),
    ),
}
# The kinds of person whose rows are wholly about them, in their export.
WHOLE_RECORDS = frozenset({Subject.AMBASSADOR, Subject.LEARNER, Subject.SOLE_TRADER})


def columns_of(event: StoredEvent) -> tuple[tuple[ReadModel, tuple[str, ...]], ...]:
    """The read models and columns the erasure event scrubs."""
    return COLUMNS.get(Subject(event.data["subject"]), ())


def erased_value(event: StoredEvent) -> str:
    """What the person's columns read once they are erased: « effacé », and for a learner a tag
    of their erasure after it. A learner is counted once among the people trained however many
    trainings they took (DISTINCT ON network and reference): two erased learners of one network
    must not become one, so each keeps a reference of their own that names no one (a digest of
    the key store's id, itself a keyed HMAC)."""
    if event.data["subject"] != Subject.LEARNER:
        return ERASED
    tag = hashlib.sha256(event.data["subject_id"].encode()).hexdigest()[:12]
    return f"{ERASED} {tag}"


def scrubbed(row: Row, columns: tuple[str, ...], event: StoredEvent) -> Row:
    """The row with the person's columns erased (an empty one stays empty), moved to the
    erasure's position so that subscribers are sent it again."""
    value = erased_value(event)
    return touch(row, event, **{c: value for c in columns if row[c] is not None})


async def rows_about(
    conn: Connection, target: str, subject: Subject, records: Sequence[UUID]
) -> dict[str, list[dict[str, Any]]]:
    """The rows of the target's views that hold the person's fields (for their export), by
    view, as the connection's role may read them."""
    schema = stable_schema(target)
    found: dict[str, list[dict[str, Any]]] = {}
    for model, columns in COLUMNS.get(subject, ()):
        name = model.table.name
        # An ambassador's row and a learner's enrolment are their records; a diagnostic is its
        # company's, which only names its expert: of it, the expert gets their own columns.
        selected = "*" if subject in WHOLE_RECORDS else ", ".join(("id", *columns))
        rows = await conn.fetch(
            f'SELECT {selected} FROM "{schema}".{name} WHERE id = ANY($1::uuid[]) ORDER BY id',
            records,
        )
        found[name] = [dict(row) for row in rows]
    return found


async def export_rows(
    conn: Connection, target: str, document: Mapping[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """The rows of the target's views about the person an export names (its ``subject`` and
    ``records``: osezia.domain.privacy.application.Privacy.export_person), by view."""
    records = [UUID(record["id"]) for record in document["records"]]
    return await rows_about(conn, target, Subject(document["subject"]), records)


def export_json(document: Mapping[str, Any], indent: int | None = None) -> str:
    """An export with its rows as JSON text: the rows' dates, ids and amounts as text."""
    return json.dumps(document, ensure_ascii=False, default=str, indent=indent)
