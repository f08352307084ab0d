"""Crypto-shredding: personal fields encrypted under a key of their person's, erased by
destroying the key.

What an event holds about whom is declared next to it (osezia.domain.personal). Writing an
event, ``PersonalDataMapper`` replaces each personal field by an envelope (osezia.store
.personal_cipher) under the current key of the person the event's identifying fields tell; the
key store (osezia.store.keys) makes the key on first use. Reading, the envelope opens, or, once
the person's keys are destroyed, the field reads ``ERASED`` (« effacé »: every personal field
holds text, osezia.domain.personal.problems_of). Every other field stays as written: statuses,
dates, counts and amounts, so every figure of the plan is the same after an erasure.

Who a key belongs to (``subject_ids_of``):

- an ambassador, an expert: the record's id (the ambassador's, the diagnostic's);
- a learner: a keyed digest (HMAC-SHA-256, its secret in the key store) of their network and
  reference, so that the key store names no reference and a guessed one cannot be checked;
- a sole trader: the company's SIREN, a public register's key. A name recorded without a SIREN
  is its record's (``record:<id>``), erased with that record.

The API the privacy commands use: ``erase_subject``, ``new_generation`` and
``destroy_old_generations``, ``subject_ids_of``, ``ERASED``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Transcoder

from osezia.domain.actors import ActorMapper
from osezia.domain.errors import DomainError
from osezia.domain.personal import About, Subject, declaration_of
from osezia.store.keys import Keyring, PersonErased, keyring
from osezia.store.personal_cipher import (
    ERASED,
    Sealed,
    SealedTranscoding,
    additional_data,
    open_field,
    seal,
)

__all__ = [
    "ERASED",
    "ErasedPerson",
    "PersonalDataMapper",
    "destroy_old_generations",
    "erase_subject",
    "keyed_digest",
    "learner_digest",
    "learner_subject_id",
    "new_generation",
    "subject_ids_of",
]

_WHO = {
    Subject.AMBASSADOR.value: "ambassador",
    Subject.EXPERT.value: "expert",
    Subject.LEARNER.value: "learner",
    Subject.SOLE_TRADER.value: "sole trader (entrepreneur individuel)",
}


class ErasedPerson(DomainError):
    """A command would record a personal field about someone erased: nothing is recorded."""

    code = "PERSON_ERASED"

    @classmethod
    def of(cls, erased: PersonErased) -> ErasedPerson:
        return cls.about(erased.person[0])

    @classmethod
    def about(cls, subject: str) -> ErasedPerson:
        """The refusal for a person of this kind (a ``Subject``'s value)."""
        who = _WHO.get(subject, "person")
        return cls(
            f"this {who}'s personal data was erased (right to erasure): nothing about them "
            "can be recorded any more"
        )


_SEPARATOR = "\x1f"  # between a digest's parts: no network slug or reference holds it


def keyed_digest(*parts: str) -> bytes:
    """HMAC-SHA-256 of the parts under the key store's digest key (not kept in memory)."""
    return keyring().digest(_SEPARATOR.join(parts))


def learner_digest(tenant: str, learner_ref: str) -> bytes:
    """A learner's keyed digest of their network and reference, kept in memory (bounded) until
    they are erased: it comes back for each of their trainings."""
    return keyring().digest(_SEPARATOR.join(("learner", tenant, learner_ref)), keep=True)


def learner_subject_id(tenant: str, learner_ref: str) -> str:
    """Who a learner is in the key store: ``learner_digest``, in hex."""
    return learner_digest(tenant, learner_ref).hex()


@dataclass(frozen=True)
class _Sealing:
    """One declaration's fields, ready for the mapper: whose they are, in order."""

    about: About
    fields: tuple[str, ...]


@cache
def _sealings(event_class: type) -> tuple[_Sealing, ...]:
    return tuple(_Sealing(a, tuple(sorted(a.fields))) for a in declaration_of(event_class).about)


def _subject_id(about: About, state: Mapping[str, Any]) -> str | None:
    values = [state.get(f) for f in about.identified_by]
    if any(v is None or v == ERASED or isinstance(v, Sealed) for v in values):
        return None
    if about.subject is Subject.LEARNER:
        return learner_subject_id(*(str(v) for v in values))
    return str(values[0])


def subject_ids_of(event_class: type, state: Mapping[str, Any]) -> list[tuple[Subject, str]]:
    """The persons an event speaks of, as the key store knows them: (kind, subject id) for each
    declaration whose identifying fields the state holds in clear. ``state`` is the event's
    fields, its ``originator_id`` included (``vars(event)``, or a stored event's data with it)."""
    found: list[tuple[Subject, str]] = []
    for sealing in _sealings(event_class):
        subject_id = _subject_id(sealing.about, state)
        if subject_id is not None and (sealing.about.subject, subject_id) not in found:
            found.append((sealing.about.subject, subject_id))
    return found


def erase_subject(subject: Subject, subject_id: str) -> int:
    """Destroy every key of the person: each field encrypted under them reads ``ERASED`` from
    now on, in every process within the key cache's time (osezia.store.keys.CACHE_SECONDS).
    How many keys were destroyed: 0 when erased already (erasing again changes nothing)."""
    return keyring().erase((subject.value, subject_id))


def new_generation(subject: Subject, subject_id: str) -> int:
    """Rectification: the person's fields written from now on use a new key; its generation.
    The older generations still open what they encrypted until ``destroy_old_generations``,
    called once the corrected value is recorded, destroys them."""
    try:
        return keyring().new_generation((subject.value, subject_id))
    except PersonErased as erased:
        raise ErasedPerson.of(erased) from None


def destroy_old_generations(subject: Subject, subject_id: str, below: int) -> int:
    """Destroy the person's keys of the generations before ``below`` (``new_generation``'s,
    once the corrected value is recorded): what they encrypted (the value corrected) reads
    ``ERASED``. How many keys were destroyed."""
    return keyring().destroy_old_generations((subject.value, subject_id), below)


def seal_fields(
    event_class: type,
    originator_id: UUID,
    version: int,
    state: dict[str, Any],
    encode: Transcoder,
    ring: Keyring,
) -> None:
    """Replace, in ``state``, each personal field by its envelope (a None stays None)."""
    for sealing in _sealings(event_class):
        about = sealing.about
        subject_id = _subject_id(about, {**state, "originator_id": originator_id})
        if subject_id is None:
            subject_id = f"record:{originator_id}"
        key = ring.sealing((about.subject.value, subject_id))
        for field in sealing.fields:
            value = state.get(field)
            if value is None or isinstance(value, Sealed):
                continue
            aad = additional_data(originator_id, version, field)
            state[field] = Sealed(seal(key, encode.encode(value), aad))


def open_fields(
    originator_id: UUID | str,
    version: int,
    state: dict[str, Any],
    decode: Transcoder,
    ring: Keyring,
) -> None:
    """Replace, in ``state``, each envelope by its value, or by ``ERASED``. An envelope names
    its key, and its additional data its field: the event's class need not be known (a reader
    of the log such as ``osezia decisions`` may not have imported it)."""
    for field, value in state.items():
        if isinstance(value, Sealed):  # a value replaced, no key added: the loop goes on
            aad = additional_data(originator_id, version, field)
            state[field] = open_field(value.data, aad, ring, decode.decode)


class PersonalDataMapper(ActorMapper):
    """The actor mapper (osezia.domain.actors), encrypting each personal field under its
    person's key on the way into the log and opening it on the way out."""

    def __init__(self, transcoder: Transcoder, *args: Any, **kwargs: Any) -> None:
        super().__init__(transcoder, *args, **kwargs)
        if isinstance(transcoder, JSONTranscoder) and "sealed" not in transcoder.names:
            transcoder.register(SealedTranscoding())

    def prepare(self, events: Iterable[DomainEventProtocol[UUID]]) -> None:
        """Ask the key store at once for the keys of every person these events speak of, so
        that sealing them costs no trip each (a save of many aggregates)."""
        people = {
            (subject.value, subject_id)
            for e in events
            for subject, subject_id in subject_ids_of(type(e), vars(e))
        }
        if len(people) > 1:
            try:
                keyring().sealing_many(people)
            except PersonErased as erased:
                raise ErasedPerson.of(erased) from None

    def sealed_state(
        self, event_class: type, originator_id: UUID, version: int, state: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            seal_fields(event_class, originator_id, version, state, self.transcoder, keyring())
        except PersonErased as erased:
            raise ErasedPerson.of(erased) from None
        return state

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        open_fields(
            stored_event.originator_id,
            stored_event.originator_version,
            vars(domain_event),
            self.transcoder,
            keyring(),
        )
        return domain_event

    def decoded_event_state(self, stored_event: StoredEvent) -> dict[str, Any]:
        """The stored event's state, every envelope opened (or erased: ``open_fields``)."""
        state = self.decoded_state(stored_event.state)
        open_fields(
            stored_event.originator_id,
            stored_event.originator_version,
            state,
            self.transcoder,
            keyring(),
        )
        return state
