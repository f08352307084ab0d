"""Crypto-shredding, for every event that declares personal fields: what the mapper stores
holds none of them in clear, reads back as written, and reads « effacé » in those fields only
once their person's keys are destroyed."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import orjson
import pytest
from eventsourcing.persistence import JSONTranscoder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.application import (
    KEYED,
    CommandReceipt,
    PlatformApplication,
    fingerprint,
    same_arguments,
)
from osezia.domain.personal import ERASED, Subject, declaration_of
from osezia.domain.shredding import (
    PersonalDataMapper,
    erase_subject,
    learner_subject_id,
    open_fields,
    seal_fields,
    subject_ids_of,
)
from osezia.store.application import DateAsISO
from osezia.store.keys import DIGEST_KEY, Keyring, MemoryKeys, using_keyring
from osezia.store.personal_cipher import Sealed, TamperedField
from tests.unit.conftest import MEMORY
from tests.unit.domain.test_personal_data import EVENTS

DECLARING = [e for e in EVENTS if declaration_of(e).about]
ENROLLED = next(e for e in EVENTS if e.__qualname__ == "Enrolment.Enrolled")


def transcoder() -> JSONTranscoder:
    """The applications' transcoder, as their mapper registers it."""
    app = PlatformApplication(env=MEMORY)
    mapper = app.mapper
    assert isinstance(mapper, PersonalDataMapper)
    assert isinstance(mapper.transcoder, JSONTranscoder)
    assert isinstance(mapper.transcoder.names["date_iso"], DateAsISO)
    return mapper.transcoder


# A personal value: any text, marked so that finding it in the stored bytes is no coincidence.
personal_values = st.text(min_size=1, max_size=60).map(lambda t: f"Personne {t}")
sirens = st.from_regex(r"\A[0-9]{9}\Z")
tenants = st.sampled_from(["cci", "bpifrance", "france-num", "medef"])


@st.composite
def events(draw: st.DrawFn) -> tuple[type, UUID, int, dict[str, Any]]:
    """An event class that declares personal fields, and a state with every field it names."""
    event_class = draw(st.sampled_from(DECLARING))
    declaration = declaration_of(event_class)
    state: dict[str, Any] = {"note": draw(st.text(max_size=10)), "on": date(2026, 1, 5)}
    for about in declaration.about:
        for field in about.identified_by:
            if field.endswith("siren"):
                state[field] = draw(sirens)
            elif field == "tenant":
                state[field] = draw(tenants)
        for field in about.fields:
            state[field] = draw(personal_values)
    return event_class, uuid4(), draw(st.integers(1, 50)), state


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events())
def test_every_declared_event_round_trips_and_stores_no_personal_value_in_clear(
    memory_keys: Keyring, event: tuple[type, UUID, int, dict[str, Any]]
) -> None:
    event_class, originator_id, version, state = event
    personal = declaration_of(event_class).personal
    codec = transcoder()

    sealed = dict(state)
    seal_fields(event_class, originator_id, version, sealed, codec, memory_keys)
    stored = codec.encode(sealed)

    for field in personal:
        assert isinstance(sealed[field], Sealed)
        assert orjson.dumps(state[field])[1:-1] not in stored
        assert state[field].encode() not in stored
    assert {k: v for k, v in sealed.items() if k not in personal} == {
        k: v for k, v in state.items() if k not in personal
    }

    opened = codec.decode(stored)
    open_fields(originator_id, version, opened, codec, memory_keys)
    assert opened == state


@settings(max_examples=100)
@given(event=events())
def test_once_its_persons_are_erased_an_event_reads_effacé_in_their_fields_only(
    event: tuple[type, UUID, int, dict[str, Any]],
) -> None:
    # A key store of each example's own: a person erased in one stays erased (no new key).
    with using_keyring(Keyring(MemoryKeys())) as memory_keys:
        erased_in_their_fields_only(event, memory_keys)


def erased_in_their_fields_only(
    event: tuple[type, UUID, int, dict[str, Any]], memory_keys: Keyring
) -> None:
    event_class, originator_id, version, state = event
    codec = transcoder()
    sealed = dict(state)
    seal_fields(event_class, originator_id, version, sealed, codec, memory_keys)
    stored = codec.encode(sealed)

    people = subject_ids_of(event_class, {**state, "originator_id": originator_id})
    assert people
    for subject, subject_id in people:
        assert erase_subject(subject, subject_id) >= 1
        assert erase_subject(subject, subject_id) == 0

    opened = codec.decode(stored)
    open_fields(originator_id, version, opened, codec, memory_keys)
    personal = declaration_of(event_class).personal
    assert {k: opened[k] for k in personal} == dict.fromkeys(personal, ERASED)
    assert {k: v for k, v in opened.items() if k not in personal} == {
        k: v for k, v in state.items() if k not in personal
    }


def test_an_envelope_moved_to_another_event_or_field_does_not_open(memory_keys: Keyring) -> None:
    codec = transcoder()
    record = uuid4()
    state: dict[str, Any] = {"full_name": "Camille Martin", "reason": "départ"}
    sealed = dict(state)
    seal_fields(Ambassador.Appointed, record, 1, sealed, codec, memory_keys)

    moved = {"full_name": sealed["full_name"]}
    with pytest.raises(TamperedField):
        open_fields(record, 2, moved, codec, memory_keys)
    swapped = {"reason": sealed["full_name"]}
    with pytest.raises(TamperedField):
        open_fields(record, 1, swapped, codec, memory_keys)


def test_events_stored_before_encryption_read_as_they_were(memory_keys: Keyring) -> None:
    codec = transcoder()
    plain = {"full_name": "Camille Martin", "tenant": "cci"}
    opened = codec.decode(codec.encode(plain))
    open_fields(uuid4(), 1, opened, codec, memory_keys)
    assert opened == plain


def test_a_learner_is_known_to_the_key_store_by_a_keyed_digest_of_network_and_reference(
    memory_keys: Keyring,
) -> None:
    subject_id = learner_subject_id("cci", "L-123")
    assert subject_id == learner_subject_id("cci", "L-123")
    assert subject_id != learner_subject_id("bpifrance", "L-123")
    assert "L-123" not in subject_id
    assert len(bytes.fromhex(subject_id)) == 32
    # Another key store's digest key gives another id: it cannot be computed without the key.
    with using_keyring(Keyring(MemoryKeys())):
        assert learner_subject_id("cci", "L-123") != subject_id


def test_a_persons_fields_are_sealed_under_their_own_key(memory_keys: Keyring) -> None:
    record = uuid4()
    state = {"tenant": "cci", "learner_ref": "L-1"}
    people = subject_ids_of(Ambassador.Appointed, {"originator_id": record})
    assert people == [(Subject.AMBASSADOR, str(record))]
    assert subject_ids_of(ENROLLED, state) == [(Subject.LEARNER, learner_subject_id("cci", "L-1"))]
    assert subject_ids_of(ENROLLED, {"tenant": "cci", "learner_ref": ERASED}) == []


def test_a_receipts_fingerprint_is_keyed_and_an_earlier_plain_one_still_matches(
    memory_keys: Keyring,
) -> None:
    arguments = ("Camille Martin", "GRAND_PUBLIC", date(2026, 1, 5))
    keyed = fingerprint("appointAmbassador", arguments)
    assert keyed.startswith(KEYED)
    # As receipts were fingerprinted before the digest was keyed.
    canonical = json.dumps(["appointAmbassador", [str(a) for a in arguments]], ensure_ascii=False)
    plain = hashlib.sha256(canonical.encode()).hexdigest()
    assert keyed.removeprefix(KEYED) != plain
    assert same_arguments(keyed, "appointAmbassador", arguments)
    assert same_arguments(plain, "appointAmbassador", arguments)
    assert not same_arguments(plain, "appointAmbassador", ("Camille Martine", *arguments[1:]))
    assert not same_arguments(keyed, "appointAmbassador", ("Camille Martine", *arguments[1:]))
    assert declaration_of(CommandReceipt.Recorded).digests == {"fingerprint"}


@given(text=st.text(max_size=200))
def test_the_keyed_digest_is_hmac_sha256_under_the_key_stores_digest_key(text: str) -> None:
    ring = Keyring(MemoryKeys())
    expected = hmac.digest(ring.store.digest_key(DIGEST_KEY), text.encode(), "sha256")
    assert ring.digest(text) == expected
    assert ring.digest(text, keep=True) == expected
    assert ring.digest(text, keep=True) == expected  # kept, and the same
    assert ring.digest(text) == expected


def texts_kept(ring: Keyring) -> set[str]:
    """Every text the keyring holds in its memory, in any of its tables."""
    return {
        item
        for table in vars(ring).values()
        if isinstance(table, dict)
        for pair in table.items()
        for item in pair
        if isinstance(item, str)
    }


def test_a_receipts_arguments_are_not_kept_in_memory_once_digested(memory_keys: Keyring) -> None:
    fingerprint("appointAmbassador", ("Camille Martin", "GRAND_PUBLIC", date(2026, 1, 5)))
    assert not any("Camille Martin" in text for text in texts_kept(memory_keys))


def test_a_learners_reference_leaves_the_keyrings_memory_when_they_are_erased(
    memory_keys: Keyring,
) -> None:
    subject_id = learner_subject_id("cci", "L-Effacée")
    other = learner_subject_id("cci", "L-Restée")
    assert any("L-Effacée" in text for text in texts_kept(memory_keys))  # kept while in use
    erase_subject(Subject.LEARNER, subject_id)
    kept = texts_kept(memory_keys)
    assert not any("L-Effacée" in text for text in kept)
    assert any("L-Restée" in text for text in kept)
    assert learner_subject_id("cci", "L-Restée") == other


def test_the_learners_digests_kept_are_bounded(
    memory_keys: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("osezia.store.keys.DIGEST_CACHE_SIZE", 10)
    ids = [learner_subject_id("cci", f"L-{n}") for n in range(25)]
    assert len(texts_kept(memory_keys)) <= 10
    assert [learner_subject_id("cci", f"L-{n}") for n in range(25)] == ids
