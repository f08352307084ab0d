"""Importing the Académie de l'IA's enrolments and completions from a trainings file (its
format and rows: osezia.domain.trainings.file).

For one network, one learner in one training is one record (the id derives from the network
and the pair), so a row already imported adds nothing, and a later file that completes an
enrolment already imported adds just the completion. Another network's enrolments have other
ids: its rows neither block nor reveal this network's, nor the reverse.

"Today", which no date may be after, is the date in France (Europe/Paris), as the figures count
days.

For speed the import writes stored events directly, with the JSON state the application's
mapper would write for the same commands (the tests hold it to that), through the store's bulk
path (osezia.store.bulk); each event records the actor set around the import
(osezia.domain.actors), as the mapper would. The learner's reference is encrypted as the mapper
encrypts it (osezia.store.personal_cipher), under the learner's key: a batch's keys are asked
of the key store at once, before the log is locked.

A row's enrolment is found by its id (keyed: Enrolment.create_id) or, recorded before ids were
keyed, by its earlier one (Enrolment.legacy_id): a completion is added to the enrolment found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from osezia.domain.actors import current_actor
from osezia.domain.calendar import today_in_france
from osezia.domain.errors import DomainError
from osezia.domain.personal import Subject
from osezia.domain.shredding import ErasedPerson
from osezia.domain.trainings.file import Training, read_rows
from osezia.domain.trainings.model import check_completion
from osezia.domain.trainings.stored import (
    COMPLETED_TOPIC,
    ENROLLED_TOPIC,
    ERASED_LEARNER,
    enrolled_from,
    enrolled_head,
    learner_keys,
    on_field,
    recorded_at,
    sealed_ref,
    state_tail,
)
from osezia.store.batches import fewer_collections, pipelined
from osezia.store.bulk import Appended, BulkAppender, Connection, KeyedRow, LockedLog
from osezia.store.keys import SealingKey
from osezia.store.personal_cipher import nonces

BATCH_ROWS = 20_000


@dataclass
class Summary:
    """What an import did, by rows of the file and by events of the log."""

    rows_read: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: int = 0
    events: Appended = field(default_factory=Appended)

    def __str__(self) -> str:
        return (
            f"{self.rows_read:,} rows read: {self.imported:,} imported, "
            f"{self.already_present:,} already present, {self.rejected:,} rejected "
            f"({self.events.written:,} events written, {self.events.skipped:,} skipped)"
        )


# --- The import -----------------------------------------------------------------------------------


# What the log already holds for an enrolment (of this tenant: the id names it), by the id's
# bytes: the date of the enrolment, and whether it is completed.
Stored = tuple[date, bool]


def _stored(log: LockedLog, keys: list[bytes]) -> dict[bytes, Stored]:
    found: dict[bytes, Stored] = {}
    dates: dict[str, date] = {}
    for key, version, state in log.stored_keys(keys):
        if version == 1:
            text = orjson.loads(state)["on"]["_data_"]
            on = dates.get(text)
            if on is None:
                on = dates[text] = date.fromisoformat(text)
            found[key] = (on, False)
        elif key in found:
            found[key] = (found[key][0], True)
    return found


class _Batch(list[Training]):
    """A batch of rows and its learners' keys, asked of the key store by the reading thread:
    the trip (a first key made for each new learner) runs while the previous batch is written."""

    keys: dict[str, SealingKey]


@dataclass
class _Outcome:
    """What importing one batch did."""

    imported: int = 0
    already_present: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    events: Appended = field(default_factory=Appended)


class TrainingImport:
    """Imports trainings for one tenant, batch by batch, over one connection.

    While one batch is written, the next is read and checked: PostgreSQL's work (COPY, index
    upkeep, commit) runs on another core than the parsing. Batches are still written one after
    the other, each against what the previous ones left in the log.
    """

    def __init__(
        self,
        conn: Connection,
        tenant: str,
        *,
        today: date | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self.conn = conn
        self.tenant = tenant
        self.today = today or today_in_france()
        self.clock = clock
        self.batch_rows = batch_rows
        self.appender = BulkAppender(conn)
        # Taken here, in the caller's context: batches are written from another thread.
        self.tail = state_tail(current_actor())

    def run(
        self,
        lines: Iterable[str],
        *,
        on_problem: Callable[[int, str], None] = lambda line, reason: None,
        on_progress: Callable[[Summary], None] = lambda summary: None,
    ) -> Summary:
        """Import every good row, report every bad one; the summary counts both."""
        summary = Summary()

        def batches() -> Iterator[_Batch]:
            batch = _Batch()
            batch_rows = self.batch_rows
            for line, training, reason in read_rows(self.tenant, lines, self.today):
                summary.rows_read += 1
                if training is None:
                    summary.rejected += 1
                    on_problem(line, reason or "")
                    continue
                batch.append(training)
                if len(batch) >= batch_rows:
                    batch.keys = self.learner_keys(batch)
                    yield batch
                    batch = _Batch()
            if batch:
                batch.keys = self.learner_keys(batch)
                yield batch

        with fewer_collections():
            for outcome in pipelined(batches(), self._import):
                summary.imported += outcome.imported
                summary.already_present += outcome.already_present
                summary.rejected += len(outcome.problems)
                summary.events += outcome.events
                for line, reason in outcome.problems:
                    on_problem(line, reason)
                on_progress(summary)
        on_progress(summary)
        return summary

    def learner_keys(self, batch: list[Training]) -> dict[str, SealingKey]:
        """The batch's learners' keys (``learner_keys``)."""
        return learner_keys(self.tenant, batch)

    def looked_up(self, batch: list[Training]) -> list[bytes]:
        """The ids under which the log may hold the batch's enrolments: keyed, and earlier."""
        return [t.key for t in batch] + [t.legacy_key for t in batch]

    @staticmethod
    def ref(
        keys: dict[str, SealingKey],
        ciphers: dict[int, AESGCM],
        learner_ref: str,
        enrolment: bytes,
        nonce: bytes,
    ) -> bytes:
        """The reference's JSON in the enrolment's first event: its envelope. ``ciphers``: the
        batch's, by kid, each made once (a learner has a row per training)."""
        key = keys[learner_ref]
        cipher = ciphers.get(key.kid)
        if cipher is None:
            cipher = ciphers[key.kid] = key.cipher
        return sealed_ref(key, learner_ref, enrolment, nonce, cipher)

    def _import(self, batch: list[Training]) -> _Outcome:
        # Under the log's lock, what the log holds cannot change between the look-up and the
        # COPY: each row is checked against exactly what it is appended to.
        outcome = _Outcome()
        keys = batch.keys if isinstance(batch, _Batch) else self.learner_keys(batch)
        with self.appender.locked() as log:
            # The time is taken once the lock is held, not before waiting for it: the batch
            # becomes visible when it commits, after any wait, and a batch that waited past
            # midnight must not carry the previous day's time into the figures.
            at = recorded_at(self.clock())
            stored = _stored(log, self.looked_up(batch))
            # Events are made as COPY sends them: PostgreSQL stores a chunk while the next is made.
            written = log.copy(self._new_events(batch, stored, at, outcome, keys))
        outcome.events = Appended(written=written)
        return outcome

    def _new_events(
        self,
        batch: list[Training],
        stored: dict[bytes, Stored],
        at: dict[str, str],
        outcome: _Outcome,
        keys: dict[str, SealingKey],
    ) -> Iterator[KeyedRow]:
        """The events each row adds to what the log holds (or this batch will), updating it."""
        at_json = orjson.dumps(at)
        head = enrolled_head(self.tenant, at_json)
        completed_head = b'{"timestamp":' + at_json
        tail = self.tail
        today = self.today
        enrolled_state_of, on_of, ref_of = enrolled_from, on_field, self.ref
        fresh = nonces(len(batch))
        ciphers: dict[int, AESGCM] = {}
        imported = already_present = 0
        try:
            for training in batch:
                key = training.key
                completed_on = training.completed_on
                earlier = stored.get(key)
                if earlier is None and training.legacy_key in stored:
                    key = training.legacy_key  # recorded before ids were keyed
                    earlier = stored[key]
                if earlier is None:
                    if keys.get(training.learner_ref) is ERASED_LEARNER:  # nothing more recorded
                        refused = ErasedPerson.about(Subject.LEARNER.value)
                        outcome.problems.append((training.line, refused.message))
                        continue
                    ref = ref_of(keys, ciphers, training.learner_ref, key, next(fresh))
                    yield key, 1, ENROLLED_TOPIC, enrolled_state_of(head, training, tail, ref)
                    stored[key] = (training.enrolled_on, completed_on is not None)
                    if completed_on is not None:
                        yield key, 2, COMPLETED_TOPIC, completed_head + on_of(completed_on) + tail
                    imported += 1
                elif completed_on is None or earlier[1]:
                    already_present += 1
                else:
                    try:
                        check_completion(earlier[0], completed_on, today)
                    except DomainError as error:
                        outcome.problems.append((training.line, error.message))
                        continue
                    stored[key] = (earlier[0], True)
                    yield key, 2, COMPLETED_TOPIC, completed_head + on_of(completed_on) + tail
                    imported += 1
        finally:
            outcome.imported += imported
            outcome.already_present += already_present


def import_trainings(
    conn: Connection,
    tenant: str,
    lines: Iterable[str],
    *,
    today: date | None = None,
    on_problem: Callable[[int, str], None] = lambda line, reason: None,
    on_progress: Callable[[Summary], None] = lambda summary: None,
) -> Summary:
    """Import a trainings CSV (its lines, streamed) for ``tenant``; see the module's docstring."""
    job = TrainingImport(conn, tenant, today=today)
    return job.run(lines, on_problem=on_problem, on_progress=on_progress)
