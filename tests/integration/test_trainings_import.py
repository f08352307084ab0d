"""`osezia import trainings`: every good row once, every bad row named, nothing twice."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

import orjson
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osezia.domain.actors import ActorMapper
from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import AlreadyExists, DomainError, NotFound
from osezia.domain.identifiers import normalise_siren
from osezia.domain.personal import Subject
from osezia.domain.platform import Platform
from osezia.domain.shredding import erase_subject, learner_subject_id
from osezia.domain.trainings.application import Trainings
from osezia.domain.trainings.file import (
    COLUMNS,
    BadFile,
    Training,
    enrolment_key,
    parse_row,
)
from osezia.domain.trainings.importer import Summary, TrainingImport, import_trainings
from osezia.domain.trainings.model import Enrolment, legacy_enrolment_key
from osezia.domain.trainings.stored import completed_state, enrolled_state, recorded_at
from osezia.store.bulk import EVENTS_TABLE, append_events
from osezia.store.keys import Keyring, MemoryKeys, keyring, using_keyring
from osezia.store.personal_cipher import additional_data, open_sealed
from tests.unit.conftest import MEMORY

TODAY = date(2026, 3, 31)
HEADER = (
    "record_id,learner_ref,audience,training_code,training_title,region,siren,"
    "enrolled_on,completed_on"
)
GOOD = [
    "1,LRN-000001,EMPLOYEE,IA-101,L'IA pour les PME,53,542107651,2025-10-06,2025-11-02",
    "2,LRN-000002,apprenti,IA-101,L'IA pour les PME,11,,2025-10-07,",
    '3,LRN-000003,dirigeant,IA-LEAD,"Piloter un projet IA, pas à pas",84,,2025-10-08,2025-10-08',
]


def csv_lines(*rows: str) -> list[str]:
    return [HEADER + "\n", *(row + "\n" for row in rows)]


@pytest.fixture
def conn(platform: Platform, database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


def run(
    conn: psycopg.Connection[Any], lines: list[str], tenant: str = "operator"
) -> tuple[Summary, list[str]]:
    problems: list[str] = []
    summary = import_trainings(
        conn,
        tenant,
        lines,
        today=TODAY,
        on_problem=lambda line, reason: problems.append(f"line {line}: {reason}"),
    )
    return summary, problems


def counts(summary: Summary) -> tuple[int, int, int, int]:
    return summary.rows_read, summary.imported, summary.already_present, summary.rejected


def test_good_rows_are_imported_as_the_commands_would_record_them(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    summary, problems = run(conn, csv_lines(*GOOD))

    assert problems == []
    assert counts(summary) == (3, 3, 0, 0)
    assert (summary.events.written, summary.events.skipped) == (5, 0)
    first = platform.trainings.get_enrolment(
        "operator", Enrolment.create_id("operator", "LRN-000001", "IA-101")
    )
    assert first.completed_on == date(2025, 11, 2)
    assert first.company_siren == "542107651"
    third = platform.trainings.get_enrolment(
        "operator", Enrolment.create_id("operator", "LRN-000003", "IA-LEAD")
    )
    assert third.training_title == "Piloter un projet IA, pas à pas"
    assert third.audience == "LEADER"


def test_bad_rows_are_reported_with_their_line_and_reason_and_not_imported(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    lines = csv_lines(
        GOOD[0],
        "4,LRN-000004,student,IA-101,IA,53,,2025-10-06,",
        "5,LRN-000005,EMPLOYEE,IA-101,IA,53,12345,2025-10-06,",
        "6,LRN-000006,EMPLOYEE,IA-101,IA,99,,2025-10-06,",
        "7,LRN-000007,EMPLOYEE,IA-101,IA,53,,2025-13-01,",
        "8,LRN-000008,EMPLOYEE,IA-101,IA,53,,2025-10-06,2025-10-01",
        "9,LRN-000009,EMPLOYEE,IA-101,IA,53,,2025-10-06,2026-04-01",
        "10,jean.dupont@example.fr,EMPLOYEE,IA-101,IA,53,,2025-10-06,",
        "11,LRN-000011,EMPLOYEE",
        GOOD[1],
    )

    summary, problems = run(conn, lines)

    assert counts(summary) == (10, 2, 0, 8)
    assert problems[0].startswith("line 3: audience 'student' must be one of EMPLOYEE, LEADER")
    assert problems[1:] == [
        "line 4: SIREN '12345' must have exactly 9 digits",
        "line 5: region '99' is not one of the 18 INSEE region codes (01, 02, 03, 04, 06, 11…94)",
        "line 6: enrolled_on '2025-13-01' is not a date (YYYY-MM-DD)",
        "line 7: completion dated 2025-10-01 is before the enrolment (2025-10-06)",
        "line 8: completion dated 2026-04-01 is in the future (today is 2026-03-31)",
        problems[6],
        "line 10: expected 9 fields as in the header, found 3",
    ]
    assert problems[6].startswith("line 9: learner reference 'jean.dupont@example.fr'")
    logged = {n.originator_id for n in platform.trainings.recorder.select_notifications(1, 100)}
    assert logged == {
        Enrolment.create_id("operator", "LRN-000001", "IA-101"),
        Enrolment.create_id("operator", "LRN-000002", "IA-101"),
    }


def test_importing_the_same_file_again_adds_nothing(conn: psycopg.Connection[Any]) -> None:
    run(conn, csv_lines(*GOOD))

    summary, problems = run(conn, csv_lines(*GOOD))

    assert problems == []
    assert counts(summary) == (3, 0, 3, 0)
    assert summary.events.written == 0


def test_a_later_file_adds_just_the_completion_of_an_enrolment_already_imported(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    run(conn, csv_lines(GOOD[1]))
    head = platform.trainings.recorder.max_notification_id()

    completed = GOOD[1].rstrip(",") + ",2025-12-15"
    summary, _ = run(conn, csv_lines(completed, GOOD[0]))

    assert counts(summary) == (2, 2, 0, 0)
    added = platform.trainings.recorder.select_notifications(head + 1 if head else 1, 10)
    assert [(n.topic.rsplit(".", 1)[-1], n.originator_version) for n in added] == [
        ("Completed", 2),
        ("Enrolled", 1),
        ("Completed", 2),
    ]
    enrolment = platform.trainings.get_enrolment(
        "operator", Enrolment.create_id("operator", "LRN-000002", "IA-101")
    )
    assert enrolment.completed_on == date(2025, 12, 15)


def test_a_row_repeated_in_one_file_is_imported_once(conn: psycopg.Connection[Any]) -> None:
    completed = GOOD[1].rstrip(",") + ",2025-12-15"

    summary, _ = run(conn, csv_lines(GOOD[1], GOOD[1], completed, completed))

    assert counts(summary) == (4, 2, 2, 0)
    assert summary.events.written == 2


def test_a_completion_is_checked_against_the_enrolment_already_recorded(
    conn: psycopg.Connection[Any],
) -> None:
    run(conn, csv_lines("x,LRN-000008,EMPLOYEE,IA-101,IA,53,,2025-11-06,"))

    summary, problems = run(
        conn, csv_lines("x,LRN-000008,EMPLOYEE,IA-101,IA,53,,2025-10-01,2025-10-15")
    )

    assert counts(summary) == (1, 0, 0, 1)
    assert problems == ["line 2: completion dated 2025-10-15 is before the enrolment (2025-11-06)"]


def test_a_row_another_network_imported_is_imported_as_this_networks_own(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    run(conn, csv_lines(*GOOD), tenant="french-tech")

    summary, problems = run(conn, csv_lines(*GOOD), tenant="cci")

    assert problems == []
    assert counts(summary) == (3, 3, 0, 0)
    assert summary.events.written == 5
    cci = Enrolment.create_id("cci", "LRN-000001", "IA-101")
    french_tech = Enrolment.create_id("french-tech", "LRN-000001", "IA-101")
    assert platform.trainings.get_enrolment("cci", cci).tenant == "cci"
    assert platform.trainings.get_enrolment("french-tech", french_tech).tenant == "french-tech"
    with pytest.raises(NotFound):
        platform.trainings.get_enrolment("cci", french_tech)


def test_a_completion_is_imported_for_a_learner_another_network_enrolled(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    other = platform.trainings.enrol_learner(
        "bpifrance",
        learner_ref="LRN-000007",
        training_code="IA-101",
        training_title="IA",
        audience="EMPLOYEE",
        region="53",
        on=date(2025, 10, 6),
    )

    summary, problems = run(
        conn, csv_lines("x,LRN-000007,EMPLOYEE,IA-101,IA,53,,2025-10-06,2025-11-01")
    )

    # Nothing in the outcome tells that bpifrance enrolled the same reference.
    assert problems == []
    assert counts(summary) == (1, 1, 0, 0)
    own = Enrolment.create_id("operator", "LRN-000007", "IA-101")
    assert platform.trainings.get_enrolment("operator", own).completed_on == date(2025, 11, 1)
    assert platform.trainings.get_enrolment("bpifrance", other).completed_on is None


def test_a_file_without_the_expected_columns_is_refused_whole(
    conn: psycopg.Connection[Any],
) -> None:
    with pytest.raises(BadFile, match=r"lacks the column\(s\) siren, completed_on"):
        run(conn, ["learner_ref,audience,training_code,training_title,region,enrolled_on\n"])


def test_a_quote_left_open_is_reported_with_its_line_and_nothing_after_it_is_read(
    conn: psycopg.Connection[Any],
) -> None:
    header = ",".join(COLUMNS) + "\n"
    swallowed = "x" * 140_000  # beyond the csv module's field limit, as a real file's rest
    with pytest.raises(BadFile, match=r"line 2: the file stops being CSV here"):
        run(conn, [header, f"LRN-1,EMPLOYEE,IA-1,\"L'IA au travail,53,,2026-01-05,\n{swallowed}"])


# --- What the import writes is what the application's mapper writes ---------------------------

rows = st.fixed_dictionaries(
    {
        "learner_ref": st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,10}[0-9]", fullmatch=True),
        "audience": st.sampled_from(["EMPLOYEE", "salarié", "apprenti", "JOB_SEEKER", "Dirigeant"]),
        "training_code": st.from_regex(r"[A-Z]{2,4}-[0-9]{1,4}", fullmatch=True),
        "training_title": st.text(
            st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1
        ).filter(str.strip),
        "region": st.sampled_from(["53", "11", "06", "1"]),
        "siren": st.sampled_from(["", "542107651", "356000000"]),
        "enrolled_on": st.dates(date(2025, 9, 1), date(2026, 1, 31)).map(date.isoformat),
        "completed_on": st.sampled_from(["", "2026-02-01", "2026-03-31"]),
    }
)


ENVELOPE = re.compile(rb'\{"_type_":"sealed","_data_":"([^"]+)"\}')


def opened(state: bytes, originator_id: bytes, version: int) -> bytes:
    """The stored state with each envelope replaced by the JSON it encrypts: what is left to
    compare once the random nonces are set aside."""

    def plaintext(match: re.Match[bytes]) -> bytes:
        field = state[: match.start()].rsplit(b'"', 2)[-2].decode()
        aad = additional_data(originator_id, version, field)
        found = open_sealed(match.group(1).decode(), aad, keyring())
        assert found is not None
        return found

    return ENVELOPE.sub(plaintext, state)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(row=rows, moment=st.datetimes(timezones=st.just(UTC)))
def test_the_import_writes_the_bytes_the_commands_would(
    row: dict[str, str], moment: datetime
) -> None:
    with using_keyring(Keyring(MemoryKeys())):
        written_alike(row, moment)


def written_alike(row: dict[str, str], moment: datetime) -> None:
    trainings = Trainings(env=MEMORY, today=lambda: TODAY)
    training: Training = parse_row("operator", 2, [row[c] for c in COLUMNS], TODAY)
    enrolment_id = trainings.enrol_learner(
        "operator",
        learner_ref=row["learner_ref"],
        training_code=row["training_code"],
        training_title=row["training_title"],
        audience=row["audience"],
        region=row["region"],
        siren=row["siren"] or None,
        on=date.fromisoformat(row["enrolled_on"]),
    )
    if training.completed_on is not None:
        trainings.complete_training("operator", enrolment_id, on=training.completed_on)
    by_commands = [
        trainings.mapper.to_stored_event(
            replace(trainings.mapper.to_domain_event(n), timestamp=moment)  # type: ignore[type-var]
        )
        for n in trainings.recorder.select_notifications(1, 10)
    ]

    at = recorded_at(moment)
    by_import = [enrolled_state("operator", training, at)]
    if training.completed_on is not None:
        by_import.append(completed_state(training.completed_on, at))

    assert training.id == enrolment_id
    key = enrolment_id.bytes
    assert [opened(e.state, key, e.originator_version) for e in by_commands] == [
        opened(state, key, version) for version, state in enumerate(by_import, 1)
    ]
    # The reference is encrypted, by both, under the same key.
    assert b'"learner_ref":{"_type_":"sealed"' in by_import[0]
    assert orjson.dumps(row["learner_ref"]) not in by_import[0]
    kids = [
        m.group(1).split(b":")[0]
        for s in (by_commands[0].state, by_import[0])
        if (m := ENVELOPE.search(s))
    ]
    assert len(kids) == 2
    assert kids[0] == kids[1]


names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80)


@settings(max_examples=500)
@given(tenant=names, learner_ref=names, training_code=names)
def test_the_import_derives_the_ids_the_application_does(
    tenant: str, learner_ref: str, training_code: str
) -> None:
    with using_keyring(Keyring(MemoryKeys())):
        key = enrolment_key(tenant, learner_ref, training_code)
        legacy = legacy_enrolment_key(tenant, learner_ref, training_code)
        name = f"training/{tenant}/{learner_ref}/{training_code}"

        assert key == Enrolment.create_id(tenant, learner_ref, training_code).bytes
        assert UUID(bytes=key).version == 8
        assert key != uuid5(OSEZIA_NAMESPACE, name).bytes
        assert legacy == uuid5(OSEZIA_NAMESPACE, name).bytes
        assert legacy == Enrolment.legacy_id(tenant, learner_ref, training_code).bytes


def record_before_keyed_ids(conn: psycopg.Connection[Any], platform: Platform) -> UUID:
    """An enrolment as it was stored before ids were keyed: the uuid5 id, the reference in
    clear. Its id."""
    app = Trainings(env=MEMORY, today=lambda: TODAY)
    app.enrol_learner(
        "operator",
        learner_ref="LRN-000002",
        training_code="IA-101",
        training_title="L'IA pour les PME",
        audience="apprenti",
        region="11",
        on=date(2025, 10, 7),
    )
    (enrolled,) = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 10)]
    legacy = Enrolment.legacy_id("operator", "LRN-000002", "IA-101")
    plain = ActorMapper(platform.trainings.mapper.transcoder)
    stored = plain.to_stored_event(replace(enrolled, originator_id=legacy))  # type: ignore[type-var]
    assert b"LRN-000002" in stored.state
    append_events(conn, [stored])
    return legacy


def test_an_enrolment_recorded_before_ids_were_keyed_is_found_by_the_import_and_the_command(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    legacy = record_before_keyed_ids(conn, platform)

    summary, problems = run(conn, csv_lines(GOOD[1]))
    assert problems == []
    assert counts(summary) == (1, 0, 1, 0)

    completed = GOOD[1].rstrip(",") + ",2025-12-15"
    summary, problems = run(conn, csv_lines(completed))
    assert problems == []
    assert counts(summary) == (1, 1, 0, 0)
    assert summary.events.written == 1
    enrolment = platform.trainings.get_enrolment("operator", legacy)
    assert enrolment.learner_ref == "LRN-000002"
    assert enrolment.completed_on == date(2025, 12, 15)
    keyed = Enrolment.create_id("operator", "LRN-000002", "IA-101")
    with pytest.raises(NotFound):
        platform.trainings.get_enrolment("operator", keyed)
    with pytest.raises(AlreadyExists):
        platform.trainings.enrol_learner(
            "operator",
            learner_ref="LRN-000002",
            training_code="IA-101",
            training_title="IA",
            audience="EMPLOYEE",
            region="11",
            on=date(2025, 10, 7),
        )


@settings(max_examples=500)
@given(siren=st.from_regex(r"[0-9]{9}", fullmatch=True) | st.from_regex(r"[0-9 .]{0,12}"))
def test_a_rows_siren_is_checked_as_normalise_siren_checks_it(siren: str) -> None:
    row = ["LRN-1", "EMPLOYEE", "IA-101", "IA", "53", siren, "2025-10-06", ""]

    def outcome(check: Callable[[], object]) -> object:
        try:
            return check()
        except DomainError as error:
            return error.message

    expected = outcome(lambda: normalise_siren(siren.strip()) if siren.strip() else None)
    assert outcome(lambda: parse_row("operator", 2, row, TODAY).siren) == expected


def test_each_batch_is_checked_against_what_the_batches_before_it_wrote(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    completed = GOOD[1].rstrip(",") + ",2025-12-15"
    early = "x,LRN-000002,apprenti,IA-101,IA,11,,2025-09-01,2025-10-01"
    lines = csv_lines(GOOD[1], GOOD[0], GOOD[2], GOOD[1], early, completed, completed)
    problems: list[str] = []

    summary = TrainingImport(conn, "operator", today=TODAY, batch_rows=2).run(
        lines, on_problem=lambda line, reason: problems.append(f"line {line}: {reason}")
    )

    assert counts(summary) == (7, 4, 2, 1)
    assert problems == ["line 6: completion dated 2025-10-01 is before the enrolment (2025-10-07)"]
    assert summary.events.written == 6
    enrolment = platform.trainings.get_enrolment(
        "operator", Enrolment.create_id("operator", "LRN-000002", "IA-101")
    )
    assert enrolment.completed_on == date(2025, 12, 15)


def test_a_batch_is_timed_once_it_holds_the_logs_lock(conn: psycopg.Connection[Any]) -> None:
    held: list[bool] = []

    def clock() -> datetime:
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() "
            "AND relation = %s::regclass AND mode = 'ExclusiveLock')",
            (EVENTS_TABLE,),
        ).fetchone()
        held.append(row is not None and row[0])
        return datetime(2026, 3, 31, 22, 0, 1, tzinfo=UTC)

    TrainingImport(conn, "operator", today=TODAY, clock=clock).run(csv_lines(*GOOD))

    assert held == [True]


def test_a_row_of_an_erased_learner_is_reported_and_the_others_imported(
    conn: psycopg.Connection[Any], platform: Platform
) -> None:
    run(conn, csv_lines(GOOD[1]))
    erase_subject(Subject.LEARNER, learner_subject_id("operator", "LRN-000002"))

    summary, problems = run(
        conn,
        csv_lines(
            "5,LRN-000002,apprenti,IA-LEAD,Piloter,11,,2025-10-09,",  # a new training: refused
            GOOD[1],  # recorded before the erasure: already there
            GOOD[0],
        ),
    )

    assert problems == [
        "line 2: this learner's personal data was erased (right to erasure): nothing about them "
        "can be recorded any more"
    ]
    assert counts(summary) == (3, 1, 1, 1)
    with pytest.raises(NotFound):
        platform.trainings.get_enrolment(
            "operator", Enrolment.create_id("operator", "LRN-000002", "IA-LEAD")
        )
