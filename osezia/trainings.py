"""Importing the Académie de l'IA's enrolments and completions from a CSV file.

The file is UTF-8, comma-separated, with a header row naming at least these columns, in any
order (other columns, such as the training platform's own ``record_id``, are ignored)::

    learner_ref,audience,training_code,training_title,region,siren,enrolled_on,completed_on

- ``learner_ref``: the training platform's pseudonymous reference of the learner (no name, no
  e-mail): letters, digits, ``.``, ``_``, ``:`` or ``-``, with at least one digit;
- ``audience``: EMPLOYEE, LEADER, APPRENTICE or JOB_SEEKER (or salarié, dirigeant, apprenti,
  demandeur d'emploi);
- ``training_code`` and ``training_title``: the training;
- ``region``: the learner's INSEE region code (``53``, ``11``…);
- ``siren``: the employer's SIREN, optional (empty when unknown);
- ``enrolled_on`` and ``completed_on``: ISO dates (``2025-10-06``); ``completed_on`` is empty
  until the training is completed, and is neither before the enrolment nor in the future.

A row is checked with the domain's own rules; a bad row is reported with its line number and
the reason, and not imported. For one network, one learner in one training is one record (the
id derives from the network and the pair), so a row already imported adds nothing, and a later
file that completes an enrolment already imported adds just the completion. Another network's
enrolments have other ids: its rows neither block nor reveal this network's, nor the reverse.

"Today", which no date may be after, is the date in France (Europe/Paris), as the figures count
days.

For speed the import writes stored events directly, with the JSON state the application's
mapper would write for the same commands (the tests hold it to that), through the bulk path.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple
from uuid import UUID

import orjson
import psycopg
from eventsourcing.utils import get_topic

from osezia.bulk import Appended, BulkAppender, LockedLog, Row
from osezia.domain.academie.model import (
    Enrolment,
    audience_of,
    check_completion,
    check_enrolment_date,
    learner_ref_of,
    training_code_of,
)
from osezia.domain.calendar import today_in_france
from osezia.domain.companies.model import Company
from osezia.domain.errors import DomainError, InvalidDate
from osezia.domain.geography import normalise_region
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import text

COLUMNS = (
    "learner_ref",
    "audience",
    "training_code",
    "training_title",
    "region",
    "siren",
    "enrolled_on",
    "completed_on",
)
BATCH_ROWS = 20_000

ENROLLED_TOPIC = get_topic(Enrolment.Enrolled)
COMPLETED_TOPIC = get_topic(Enrolment.Completed)
_AGGREGATE_TOPIC = get_topic(Enrolment)


class BadFile(Exception):
    """The file cannot be read as a trainings CSV at all (its header, mostly)."""


class Training(NamedTuple):
    """One valid row: an enrolment, completed or not."""

    line: int
    id: UUID
    learner_ref: str
    audience: str
    training_code: str
    training_title: str
    region: str
    siren: str | None
    enrolled_on: date
    completed_on: date | None


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


def _date(value: str, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidDate(f"{column} {value!r} is not a date (YYYY-MM-DD)") from None


# Values that repeat across a file are checked once each: a few audiences, regions and
# trainings, and employers that train many learners.
_siren = lru_cache(maxsize=65_536)(normalise_siren)
_region = lru_cache(maxsize=256)(normalise_region)
_training_code = lru_cache(maxsize=4096)(training_code_of)


@lru_cache(maxsize=4096)
def _title(value: str) -> str:
    return text(value, "training title")


def _audience_name(value: str) -> str:
    return audience_of(value).value


_audience = lru_cache(maxsize=256)(_audience_name)


def parse_row(tenant: str, line: int, values: Sequence[str], today: date) -> Training:
    """The row (its values in the order of COLUMNS) as the training ``tenant`` records, or the
    DomainError that says what is wrong with it."""
    learner_ref, audience, training_code, title, region, siren, enrolled, completed = values
    ref = learner_ref_of(learner_ref)
    code = _training_code(training_code)
    enrolled_on = _date(enrolled.strip(), "enrolled_on")
    if enrolled_on > today:
        check_enrolment_date(enrolled_on, today)
    completed = completed.strip()
    completed_on = _date(completed, "completed_on") if completed else None
    if completed_on is not None:
        check_completion(enrolled_on, completed_on, today)
    siren = siren.strip()
    return Training(
        line,
        Enrolment.create_id(tenant, ref, code),
        ref,
        _audience(audience),
        code,
        _title(title),
        _region(region),
        _siren(siren) if siren else None,
        enrolled_on,
        completed_on,
    )


def read_rows(
    tenant: str, lines: Iterable[str], today: date
) -> Iterator[tuple[int, Training | None, str | None]]:
    """Each data row as (line, training, None) or (line, None, reason), streamed."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise BadFile("the file is empty: it needs a header row naming " + ",".join(COLUMNS))
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise BadFile(
            f"the header lacks the column(s) {', '.join(missing)}; expected at least "
            + ",".join(COLUMNS)
        )
    values_of = itemgetter(*(names.index(c) for c in COLUMNS))
    width = len(names)
    for fields in reader:
        line = reader.line_num
        if len(fields) != width:
            if fields and fields != [""]:
                yield line, None, f"expected {width} fields as in the header, found {len(fields)}"
            continue
        try:
            yield line, parse_row(tenant, line, values_of(fields), today), None
        except DomainError as error:
            yield line, None, error.message


# --- The stored events, as the application's mapper writes them ---------------------------------


def _transcoded(kind: str, value: str) -> dict[str, str]:
    return {"_type_": kind, "_data_": value}


def enrolled_state(tenant: str, training: Training, at: dict[str, str]) -> bytes:
    siren = training.siren
    return orjson.dumps(
        {
            "timestamp": at,
            "originator_topic": _AGGREGATE_TOPIC,
            "tenant": tenant,
            "learner_ref": training.learner_ref,
            "training_code": training.training_code,
            "training_title": training.training_title,
            "audience": training.audience,
            "region": training.region,
            "company_id": None if siren is None else _company_id(siren),
            "company_siren": siren,
            "on": _date_iso(training.enrolled_on),
        }
    )


def completed_state(on: date, at: dict[str, str]) -> bytes:
    return orjson.dumps({"timestamp": at, "on": _date_iso(on)})


@lru_cache(maxsize=8192)
def _date_iso(on: date) -> dict[str, str]:
    return _transcoded("date_iso", on.isoformat())


@lru_cache(maxsize=65_536)
def _company_id(siren: str) -> dict[str, str]:
    return _transcoded("uuid_hex", Company.create_id(siren).hex)


def recorded_at(moment: datetime) -> dict[str, str]:
    return _transcoded("datetime_iso", moment.isoformat())


# --- The import -----------------------------------------------------------------------------------


class Stored(NamedTuple):
    """What the log already holds for an enrolment (of this tenant: the id names it)."""

    enrolled_on: date
    completed: bool


def _stored(log: LockedLog, ids: list[UUID]) -> dict[UUID, Stored]:
    found: dict[UUID, Stored] = {}
    for originator_id, version, state in log.stored(ids):
        if version == 1:
            data = orjson.loads(state)
            on = date.fromisoformat(data["on"]["_data_"])
            found[originator_id] = Stored(on, completed=False)
        elif originator_id in found:
            found[originator_id] = found[originator_id]._replace(completed=True)
    return found


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
        conn: psycopg.Connection[Any],
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

    def run(
        self,
        lines: Iterable[str],
        *,
        on_problem: Callable[[int, str], None] = lambda line, reason: None,
        on_progress: Callable[[Summary], None] = lambda summary: None,
    ) -> Summary:
        """Import every good row, report every bad one; the summary counts both."""
        summary = Summary()
        writing: Future[_Outcome] | None = None

        def written(outcome: _Outcome) -> None:
            summary.imported += outcome.imported
            summary.already_present += outcome.already_present
            summary.rejected += len(outcome.problems)
            summary.events += outcome.events
            for line, reason in outcome.problems:
                on_problem(line, reason)
            on_progress(summary)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import") as writer:
            batch: list[Training] = []
            for line, training, reason in read_rows(self.tenant, lines, self.today):
                summary.rows_read += 1
                if training is None:
                    summary.rejected += 1
                    on_problem(line, reason or "")
                    continue
                batch.append(training)
                if len(batch) >= self.batch_rows:
                    if writing is not None:
                        written(writing.result())
                    writing = writer.submit(self._import, batch)
                    batch = []
            if writing is not None:
                written(writing.result())
            if batch:
                written(self._import(batch))
        on_progress(summary)
        return summary

    def _import(self, batch: list[Training]) -> _Outcome:
        # Under the log's lock, what the log holds cannot change between the look-up and the
        # COPY: each row is checked against exactly what it is appended to.
        outcome = _Outcome()
        with self.appender.locked() as log:
            # The time is taken once the lock is held, not before waiting for it: the batch
            # becomes visible when it commits, after any wait, and a batch that waited past
            # midnight must not carry the previous day's time into the figures.
            at = recorded_at(self.clock())
            stored = _stored(log, [t.id for t in batch])
            # Events are made as COPY sends them: PostgreSQL stores a chunk while the next is made.
            written = log.copy(self._new_events(batch, stored, at, outcome))
        outcome.events = Appended(written=written)
        return outcome

    def _new_events(
        self,
        batch: list[Training],
        stored: dict[UUID, Stored],
        at: dict[str, str],
        outcome: _Outcome,
    ) -> Iterator[Row]:
        for training in batch:
            try:
                new = self._events_of(training, stored, at)
            except DomainError as error:
                outcome.problems.append((training.line, error.message))
                continue
            if new:
                yield from new
                outcome.imported += 1
            else:
                outcome.already_present += 1

    def _events_of(
        self, training: Training, stored: dict[UUID, Stored], at: dict[str, str]
    ) -> list[Row]:
        """The events this row adds to what the log holds (or this batch will), updating it."""
        earlier = stored.get(training.id)
        completed_on = training.completed_on
        if earlier is None:
            enrolled = (training.id, 1, ENROLLED_TOPIC, enrolled_state(self.tenant, training, at))
            stored[training.id] = Stored(training.enrolled_on, completed=completed_on is not None)
            if completed_on is None:
                return [enrolled]
            return [enrolled, (training.id, 2, COMPLETED_TOPIC, completed_state(completed_on, at))]
        if completed_on is None or earlier.completed:
            return []
        check_completion(earlier.enrolled_on, completed_on, self.today)
        stored[training.id] = earlier._replace(completed=True)
        return [(training.id, 2, COMPLETED_TOPIC, completed_state(completed_on, at))]


def import_trainings(
    conn: psycopg.Connection[Any],
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
