"""The Académie de l'IA's trainings file: a CSV of enrolments and completions, each row parsed
and checked with the domain's own rules (osezia.domain.trainings.importer imports it).

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
the reason, and not imported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple
from uuid import UUID

from osezia.domain.errors import DomainError, InvalidDate
from osezia.domain.geography import normalise_region
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import text
from osezia.domain.trainings.model import (
    audience_of,
    check_completion,
    check_enrolment_date,
    keyed_id,
    learner_ref_of,
    legacy_enrolment_key,
    training_code_of,
)

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


class BadFile(Exception):
    """The file cannot be read as a trainings CSV at all (its header, mostly)."""


class Training(NamedTuple):
    """One valid row: an enrolment, completed or not."""

    line: int
    key: bytes  # the enrolment's id, as its 16 bytes (keyed: Enrolment.create_id)
    legacy_key: bytes  # the id an enrolment recorded before ids were keyed has
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


def enrolment_key(tenant: str, learner_ref: str, training_code: str) -> bytes:
    """The bytes of ``Enrolment.create_id(tenant, learner_ref, training_code)``."""
    return keyed_id(tenant, learner_ref, training_code)


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
            keyed_id(tenant, ref, code),
            legacy_enrolment_key(tenant, ref, code),
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
