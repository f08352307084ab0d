"""Who is due for erasure, read from the platform's read models, which see every network's
records: the scheduled retention job (osezia.workers.retention) erases them.

An ambassador is due once withdrawn before the cutoff, a learner once their last training (the
latest enrolment or completion of theirs that their network recorded) is before it; a person
erased already reads « effacé » (a learner, « effacé » and a tag) and is due no more.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from osezia.domain.personal import ERASED
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.tenants.visibility import PLATFORM

_SCHEMA = stable_schema(PLATFORM)

_AMBASSADORS_DUE = (
    f"SELECT id FROM {_SCHEMA}.ambassadors "
    "WHERE status = 'WITHDRAWN' AND withdrawn_on < $1 AND full_name <> $2 ORDER BY id"
)
# One enrolment a learner names them all (osezia.domain.privacy finds the others in the log).
_LEARNERS_DUE = (
    f"SELECT min(id::text)::uuid AS id FROM {_SCHEMA}.trainings "
    "WHERE NOT starts_with(learner_ref, $2) GROUP BY owner, learner_ref "
    "HAVING max(greatest(enrolled_on, coalesce(completed_on, enrolled_on))) < $1 ORDER BY 1"
)


async def ambassadors_due(conn: Connection, withdrawn_before: date) -> list[UUID]:
    """The ambassadors withdrawn before the date and not erased yet, by id."""
    return await _due(conn, _AMBASSADORS_DUE, withdrawn_before)


async def learners_due(conn: Connection, last_trained_before: date) -> list[UUID]:
    """One enrolment of each learner whose last training was before the date and who is not
    erased yet, by id."""
    return await _due(conn, _LEARNERS_DUE, last_trained_before)


async def _due(conn: Connection, query: str, cutoff: date) -> list[UUID]:
    # As uuid.UUID: asyncpg's own UUID type is not one the event store can write.
    return [UUID(str(record["id"])) for record in await conn.fetch(query, cutoff, ERASED)]
