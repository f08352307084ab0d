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
mapper would write for the same commands (the tests hold it to that), through the bulk path;
each event records the actor set around the import (osezia.domain.actors), as the mapper would.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from hashlib import sha1
from operator import itemgetter
from typing import Any, NamedTuple
from uuid import UUID

import orjson
import psycopg
from eventsourcing.utils import get_topic

from osezia.domain.academie.model import (
    Enrolment,
    audience_of,
    check_completion,
    check_enrolment_date,
    learner_ref_of,
    training_code_of,
)
from osezia.domain.actors import META, Actor, current_actor
from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.calendar import today_in_france
from osezia.domain.companies.model import Company
from osezia.domain.errors import DomainError, InvalidDate
from osezia.domain.geography import normalise_region
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import text
from osezia.store.bulk import Appended, BulkAppender, KeyedRow, LockedLog

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
    key: bytes  # the enrolment's id, as its 16 bytes
    learner_ref: str
    audience: str
    training_code: str
    training_title: str
    region: str
    siren: str | None
    enrolled_on: date
    completed_on: date | None

    @property
    def id(self) -> UUID:
        """The enrolment's id: ``Enrolment.create_id(tenant, learner_ref, training_code)``."""
        return UUID(bytes=self.key)


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


# A file holds a few hundred distinct dates: each string is parsed once (an error is not kept).
_DATES: dict[str, date] = {}
_DATES_KEPT = 65_536


def _date_of(value: str, column: str) -> date:
    """The date written ``value`` (white space around it ignored), as ``_date`` checks it."""
    on = _DATES.get(value)
    if on is None:
        on = _date(value.strip(), column)
        if len(_DATES) >= _DATES_KEPT:
            _DATES.clear()
        _DATES[value] = on
    return on


# Enrolment.create_id's uuid5, as bytes: SHA-1 of the namespace's bytes and the name, its first
# 16 bytes with the version (5) and the variant (RFC 4122) set, as uuid.UUID(version=5) sets them.
_ID_PREFIX = OSEZIA_NAMESPACE.bytes + b"training/"
_ID_MASK = ((1 << 128) - 1) & ~(0xF000 << 64) & ~(0xC000 << 48)
_ID_BITS = (0x5000 << 64) | (0x8000 << 48)


@lru_cache(maxsize=256)
def _tenant_prefix(tenant: str) -> bytes:
    return _ID_PREFIX + tenant.encode() + b"/"


def enrolment_key(tenant: str, learner_ref: str, training_code: str) -> bytes:
    """The bytes of ``Enrolment.create_id(tenant, learner_ref, training_code)``."""
    name = _tenant_prefix(tenant) + f"{learner_ref}/{training_code}".encode()
    digest = sha1(name, usedforsecurity=False).digest()
    return (int.from_bytes(digest[:16]) & _ID_MASK | _ID_BITS).to_bytes(16)


# Values that repeat across a file are checked once each: a few audiences, regions and
# trainings, and employers that train many learners.
_DOUBLED = bytes.maketrans(b"0123456789", bytes((0, 2, 4, 6, 8, 1, 3, 5, 7, 9)))


@lru_cache(maxsize=65_536)
def _siren(value: str) -> str:
    """``normalise_siren(value)``: a file names thousands of employers, each checked once."""
    if len(value) == 9 and value.isascii() and value.isdigit():
        # Luhn over the 9 digits, from the right: the 2nd, 4th… (the odd indexes here) doubled.
        digits = value.encode()
        if (sum(digits[0::2]) - 5 * 48 + sum(digits[1::2].translate(_DOUBLED))) % 10 == 0:
            return value
    return normalise_siren(value)


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
    enrolled_on = _date_of(enrolled, "enrolled_on")
    check_enrolment_date(enrolled_on, today)
    completed_on = None
    if completed:
        completed_on = _DATES.get(completed)
        if completed_on is None and completed.strip():
            completed_on = _date_of(completed, "completed_on")
        if completed_on is not None:
            check_completion(enrolled_on, completed_on, today)
    audience, title, region = _described(audience, title, region)
    siren = siren.strip()
    return _new_training(
        Training,
        (
            line,
            enrolment_key(tenant, ref, code),
            ref,
            audience,
            code,
            title,
            region,
            _siren(siren) if siren else None,
            enrolled_on,
            completed_on,
        ),
    )


_new_training = tuple.__new__


@lru_cache(maxsize=65_536)
def _described(audience: str, title: str, region: str) -> tuple[str, str, str]:
    """The audience's name, the title and the region, checked in this order."""
    return _audience(audience), _title(title), _region(region)


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
    try:
        for fields in reader:
            line = reader.line_num
            if len(fields) != width:
                if fields and fields != [""]:
                    found = len(fields)
                    yield line, None, f"expected {width} fields as in the header, found {found}"
                continue
            try:
                yield line, parse_row(tenant, line, values_of(fields), today), None
            except DomainError as error:
                yield line, None, error.message
    except csv.Error as error:
        # A quote left open swallows the rest of the file: nothing after it can be read.
        raise BadFile(f"line {reader.line_num}: the file stops being CSV here ({error})") from None


# --- The stored events, as the application's mapper writes them ---------------------------------
#
# The state is the JSON orjson writes for the event's dict (keys in this order, no spaces), put
# together from pieces that repeat across rows, each written by orjson once: the head (time,
# topic, tenant) once a batch, the training's fields, the employer's and the dates once each,
# and the tail (the actor, then the closing brace) once an import.


def _transcoded(kind: str, value: str) -> dict[str, str]:
    return {"_type_": kind, "_data_": value}


def enrolled_state(tenant: str, training: Training, at: dict[str, str]) -> bytes:
    head = _enrolled_head(tenant, orjson.dumps(at))
    return _enrolled_state(head, training, _tail(current_actor()))


def completed_state(on: date, at: dict[str, str]) -> bytes:
    return b'{"timestamp":' + orjson.dumps(at) + _on(on) + _tail(current_actor())


def _tail(actor: Actor) -> bytes:
    """The actor's key and value, the comma before them and the state's closing brace."""
    return b',"' + META.encode() + b'":' + orjson.dumps(actor.as_meta()) + b"}"


def _enrolled_state(head: bytes, training: Training, tail: bytes) -> bytes:
    return b"".join(
        (
            head,
            orjson.dumps(training.learner_ref),
            _training_fields(
                training.training_code,
                training.training_title,
                training.audience,
                training.region,
            ),
            _company_fields(training.siren),
            _on(training.enrolled_on),
            tail,
        )
    )


@lru_cache(maxsize=64)
def _enrolled_head(tenant: str, at: bytes) -> bytes:
    """The state up to the learner's reference, ``at`` being the time's JSON."""
    return b"".join(
        (
            b'{"timestamp":',
            at,
            b',"originator_topic":',
            orjson.dumps(_AGGREGATE_TOPIC),
            b',"tenant":',
            orjson.dumps(tenant),
            b',"learner_ref":',
        )
    )


@lru_cache(maxsize=4096)
def _training_fields(code: str, title: str, audience: str, region: str) -> bytes:
    """From the training's code to the company's id, its value excluded."""
    return b"".join(
        (
            b',"training_code":',
            orjson.dumps(code),
            b',"training_title":',
            orjson.dumps(title),
            b',"audience":',
            orjson.dumps(audience),
            b',"region":',
            orjson.dumps(region),
            b',"company_id":',
        )
    )


@lru_cache(maxsize=65_536)
def _company_fields(siren: str | None) -> bytes:
    """The company's id and SIREN, with the key between them."""
    company_id = None if siren is None else _company_id(siren)
    return orjson.dumps(company_id) + b',"company_siren":' + orjson.dumps(siren)


@lru_cache(maxsize=8192)
def _on(on: date) -> bytes:
    """The date's key and value, the comma before them included."""
    return b',"on":' + orjson.dumps(_date_iso(on))


@lru_cache(maxsize=8192)
def _date_iso(on: date) -> dict[str, str]:
    return _transcoded("date_iso", on.isoformat())


@lru_cache(maxsize=65_536)
def _company_id(siren: str) -> dict[str, str]:
    return _transcoded("uuid_hex", Company.create_id(siren).hex)


def recorded_at(moment: datetime) -> dict[str, str]:
    return _transcoded("datetime_iso", moment.isoformat())


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
        # Taken here, in the caller's context: batches are written from another thread.
        self.tail = _tail(current_actor())

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
            batch_rows = self.batch_rows
            for line, training, reason in read_rows(self.tenant, lines, self.today):
                summary.rows_read += 1
                if training is None:
                    summary.rejected += 1
                    on_problem(line, reason or "")
                    continue
                batch.append(training)
                if len(batch) >= batch_rows:
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
            stored = _stored(log, [t.key for t in batch])
            # Events are made as COPY sends them: PostgreSQL stores a chunk while the next is made.
            written = log.copy(self._new_events(batch, stored, at, outcome))
        outcome.events = Appended(written=written)
        return outcome

    def _new_events(
        self,
        batch: list[Training],
        stored: dict[bytes, Stored],
        at: dict[str, str],
        outcome: _Outcome,
    ) -> Iterator[KeyedRow]:
        """The events each row adds to what the log holds (or this batch will), updating it."""
        at_json = orjson.dumps(at)
        head = _enrolled_head(self.tenant, at_json)
        completed_head = b'{"timestamp":' + at_json
        tail = self.tail
        today = self.today
        enrolled_state_of, on_of = _enrolled_state, _on
        imported = already_present = 0
        try:
            for training in batch:
                key = training.key
                completed_on = training.completed_on
                earlier = stored.get(key)
                if earlier is None:
                    yield key, 1, ENROLLED_TOPIC, enrolled_state_of(head, training, tail)
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
