"""Personal fields in the log, on the real PostgreSQL: encrypted under their person's key, kept
in the key store's own database; erasing the person destroys the key and the fields read
« effacé », while every other field stays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import psycopg
import pytest

from osezia.domain.ambassadors.application import Ambassadors
from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.decisions import decisions_of
from osezia.domain.personal import ERASED, Subject
from osezia.domain.shredding import (
    destroy_old_generations,
    erase_subject,
    new_generation,
    subject_ids_of,
)
from osezia.store.keys import Keyring, KeyStoreError, PersonErased, PostgresKeys, keyring
from osezia.store.keys_setup import (
    SAME_DATABASE,
    SAME_SERVER,
    check_apart,
    derived_keys_url,
    with_dbname,
)
from osezia.store.settings import SettingsError

APPOINTED = date(2025, 9, 1)
NAME = "Jeanne Quasimodo-Étiennette"


@pytest.fixture
def ambassadors(store_env: dict[str, str]) -> Iterator[Ambassadors]:
    app = Ambassadors(env=store_env)
    yield app
    app.close()


def appoint(app: Ambassadors, name: str = NAME) -> UUID:
    return app.appoint_ambassador(
        "cci",
        full_name=name,
        kind="GRAND_PUBLIC",
        network="CCI",
        appointed_on=APPOINTED,
        idempotency_key=f"appoint-{hash(name)}",
    )


def stored_states(database_url: str, record: UUID) -> list[bytes]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT state FROM osezia_events WHERE originator_id = %s ORDER BY originator_version",
            (record,),
        )
        return [bytes(state) for (state,) in rows]


def key_rows(database_url: str, subject_id: str) -> int:
    with psycopg.connect(derived_keys_url(database_url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM personal_keys WHERE subject_id = %s", (subject_id,)
        ).fetchone()
        assert row is not None
        return int(row[0])


def test_the_log_holds_no_personal_value_in_clear_and_the_key_store_holds_the_key(
    database_url: str, ambassadors: Ambassadors
) -> None:
    ambassador = appoint(ambassadors)
    ambassadors.withdraw_ambassador(
        "cci", ambassador, reason="départ de Mme Quasimodo", on=APPOINTED
    )

    states = stored_states(database_url, ambassador)
    assert len(states) == 2
    for state in states:
        assert b"Quasimodo" not in state
        assert NAME.encode() not in state
        assert b'"_type_":"sealed"' in state
    with psycopg.connect(database_url) as conn:
        receipts = conn.execute(
            "SELECT state FROM osezia_events WHERE topic LIKE %s", ("%CommandReceipt%",)
        ).fetchall()
    assert receipts
    assert all(b"Quasimodo" not in bytes(state) for (state,) in receipts)
    # The key is in the key store's own database, not the log's.
    assert key_rows(database_url, str(ambassador)) == 1
    with psycopg.connect(database_url) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE '%keys%'")
        assert "personal_keys" not in [t for (t,) in tables]

    record = ambassadors.get_ambassador("cci", ambassador)
    assert record.full_name == NAME


def test_an_erased_person_reads_effacé_and_every_other_field_stays(
    database_url: str, ambassadors: Ambassadors
) -> None:
    ambassador, other = appoint(ambassadors), appoint(ambassadors, "Paul Autre")
    ambassadors.withdraw_ambassador("cci", ambassador, reason="raisons personnelles", on=APPOINTED)
    before = ambassadors.get_ambassador("cci", ambassador)
    person = subject_ids_of(Ambassador.Appointed, {"originator_id": ambassador})
    assert person == [(Subject.AMBASSADOR, str(ambassador))]

    assert erase_subject(*person[0]) == 1
    assert erase_subject(*person[0]) == 0  # erasing again changes nothing
    assert key_rows(database_url, str(ambassador)) == 0

    after = ambassadors.get_ambassador("cci", ambassador)
    assert after.full_name == ERASED
    assert after.withdrawal_reason == ERASED
    personal = {"full_name", "withdrawal_reason"}
    kept = {k: v for k, v in vars(before).items() if k not in personal}
    assert kept
    assert {k: v for k, v in vars(after).items() if k not in personal} == kept
    decisions = decisions_of(ambassadors, ambassador)
    assert decisions[0].details["full_name"] == ERASED
    assert decisions[-1].details["reason"] == ERASED
    assert decisions[0].details["appointed_on"] == APPOINTED
    # Another person's fields are untouched.
    assert ambassadors.get_ambassador("cci", other).full_name == "Paul Autre"


def test_an_erasure_in_another_process_is_seen_once_the_cache_expires(
    database_url: str, ambassadors: Ambassadors
) -> None:
    ambassador = appoint(ambassadors)
    assert ambassadors.get_ambassador("cci", ambassador).full_name == NAME
    # Another process destroys the key: this one's cache does not know it...
    with psycopg.connect(derived_keys_url(database_url), autocommit=True) as conn:
        conn.execute("DELETE FROM personal_keys WHERE subject_id = %s", (str(ambassador),))
    ring = keyring()
    assert ambassadors.get_ambassador("cci", ambassador).full_name == NAME
    # ...until its entries expire (CACHE_SECONDS), here at once.
    seconds, ring.cache_seconds = ring.cache_seconds, 0.0
    try:
        assert ambassadors.get_ambassador("cci", ambassador).full_name == ERASED
    finally:
        ring.cache_seconds = seconds


def test_a_new_generation_seals_new_fields_and_destroying_the_old_one_erases_the_old_value(
    database_url: str, ambassadors: Ambassadors
) -> None:
    ambassador = appoint(ambassadors)
    person = (Subject.AMBASSADOR, str(ambassador))
    assert new_generation(*person) == 2
    ambassadors.withdraw_ambassador("cci", ambassador, reason="corrigé", on=APPOINTED)
    assert destroy_old_generations(*person, below=2) == 1
    assert destroy_old_generations(*person, below=2) == 0

    decisions = decisions_of(ambassadors, ambassador)
    assert decisions[0].details["full_name"] == ERASED
    assert decisions[-1].details["reason"] == "corrigé"


def test_the_key_store_must_not_be_the_logs_database(database_url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        check_apart(database_url, database_url)
    assert str(refused.value) == SAME_DATABASE
    check_apart(derived_keys_url(database_url), database_url)


def test_in_production_the_key_store_must_not_be_on_the_logs_server() -> None:
    log = "postgresql://osezia@db.internal:5432/osezia"
    for keys in (
        "postgresql://osezia@db.internal:5432/osezia_keys",
        "postgresql://keeper@DB.Internal/osezia_keys",  # 5432 by default; names are not cased
    ):
        with pytest.raises(SettingsError) as refused:
            check_apart(keys, log, production=True)
        assert str(refused.value) == SAME_SERVER
        check_apart(keys, log)  # development may share the server
    with pytest.raises(SettingsError) as same:
        check_apart(log, log, production=True)
    assert str(same.value) == SAME_DATABASE
    check_apart("postgresql://osezia@keys.internal:5432/osezia_keys", log, production=True)
    check_apart("postgresql://osezia@db.internal:5433/osezia_keys", log, production=True)


def test_keys_made_in_a_deferred_run_reach_the_store_when_it_ends(database_url: str) -> None:
    known = (Subject.LEARNER.value, "déjà-connu")
    keyring().sealing(known)
    ring = Keyring(keyring().store)  # another process: nothing cached
    people = [known, ("LEARNER", "a"), ("LEARNER", "b"), ("LEARNER", "c")]
    with ring.deferred(reserve=2):
        made = ring.sealing_many(people)
        assert ring.store.by_kid([k.kid for k in made.values()]) == {}  # nothing written yet
        assert ring.sealing_many(people) == made
    assert ring.store.by_kid([k.kid for k in made.values()]) == {
        k.kid: k.key for k in made.values()
    }
    assert ring.generations(known) == [1, 2]  # a deferred run makes a person's next generation
    assert Keyring(ring.store).sealing(known) == made[known]


def test_a_key_store_whose_database_is_missing_is_reported_at_once_with_its_cause(
    database_url: str,
) -> None:
    store = PostgresKeys(with_dbname(database_url, "osezia_no_such_keys"))
    try:
        with pytest.raises(KeyStoreError) as refused:
            Keyring(store).sealing((Subject.AMBASSADOR.value, "quelqu'un"))
    finally:
        store.close()
    assert 'database "osezia_no_such_keys" does not exist' in str(refused.value)
    assert "osezia migrate" in str(refused.value)


def test_an_erased_person_keeps_a_tombstone_and_is_made_no_key_again(
    database_url: str, ambassadors: Ambassadors
) -> None:
    ambassador = appoint(ambassadors, "Zoé Tombée")
    person = (Subject.AMBASSADOR.value, str(ambassador))
    assert erase_subject(Subject.AMBASSADOR, str(ambassador)) == 1
    ring = Keyring(keyring().store)  # another process: nothing cached

    with pytest.raises(PersonErased):
        ring.sealing(person)
    with pytest.raises(PersonErased):
        ring.new_generation(person)
    assert key_rows(database_url, str(ambassador)) == 0
    with psycopg.connect(derived_keys_url(database_url)) as conn:
        rows = conn.execute(
            "SELECT subject FROM erased_people WHERE subject_id = %s", (str(ambassador),)
        ).fetchall()
    assert rows == [("AMBASSADOR",)]
    # A rectification destroys older generations only: no tombstone.
    other = appoint(ambassadors, "Paul Rectifié")
    new_generation(Subject.AMBASSADOR, str(other))
    assert destroy_old_generations(Subject.AMBASSADOR, str(other), below=2) == 1
    assert ring.sealing((Subject.AMBASSADOR.value, str(other))).kid > 0
