"""The stored events of an enrolment, as the application's mapper writes them, for the trainings
import (osezia.domain.trainings.importer), which writes them without the mapper.

The state is the JSON orjson writes for the event's dict (keys in this order, no spaces), put
together from pieces that repeat across rows, each written by orjson once: the head (time,
topic, tenant) once a batch, the training's fields, the employer's and the dates once each,
and the tail (the actor, then the closing brace) once an import.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.utils import get_topic

from osezia.domain.actors import META, Actor, current_actor
from osezia.domain.companies.model import Company
from osezia.domain.personal import Subject
from osezia.domain.shredding import learner_subject_id
from osezia.domain.trainings.file import Training
from osezia.domain.trainings.model import Enrolment
from osezia.store.keys import SealingKey, keyring
from osezia.store.personal_cipher import additional_data, seal_text

ENROLLED_TOPIC = get_topic(Enrolment.Enrolled)
COMPLETED_TOPIC = get_topic(Enrolment.Completed)
_AGGREGATE_TOPIC = get_topic(Enrolment)


def _transcoded(kind: str, value: str) -> dict[str, str]:
    return {"_type_": kind, "_data_": value}


def enrolled_state(tenant: str, training: Training, at: dict[str, str]) -> bytes:
    head = enrolled_head(tenant, orjson.dumps(at))
    key = learner_keys(tenant, [training])[training.learner_ref]
    ref = sealed_ref(key, training.learner_ref, training.key)
    return enrolled_from(head, training, state_tail(current_actor()), ref)


# What ``learner_keys`` gives an erased learner, for whom no key is made: their rows are refused.
ERASED_LEARNER = SealingKey(0, b"")


def learner_keys(tenant: str, batch: Iterable[Training]) -> dict[str, SealingKey]:
    """The key each learner's reference is encrypted under, by reference: one trip to the key
    store for the batch (a learner's first key is made there); ``ERASED_LEARNER`` for one
    erased."""
    refs = {t.learner_ref for t in batch}
    people = {ref: (Subject.LEARNER.value, learner_subject_id(tenant, ref)) for ref in refs}
    keys, _ = keyring().sealing_or_erased(people.values())  # the erased get no key
    return {ref: keys.get(person, ERASED_LEARNER) for ref, person in people.items()}


def completed_state(on: date, at: dict[str, str]) -> bytes:
    return b'{"timestamp":' + orjson.dumps(at) + on_field(on) + state_tail(current_actor())


def state_tail(actor: Actor) -> bytes:
    """The actor's key and value, the comma before them and the state's closing brace."""
    return b',"' + META.encode() + b'":' + orjson.dumps(actor.as_meta()) + b"}"


# What follows the enrolment's id in the additional data of its reference's envelope.
_REF_PLACE = additional_data(bytes(16), 1, "learner_ref")[16:]


def sealed_ref(
    key: SealingKey,
    learner_ref: str,
    enrolment: bytes,
    nonce: bytes | None = None,
    cipher: AESGCM | None = None,
) -> bytes:
    """The reference's envelope, as the mapper writes it in the enrolment's first event."""
    return seal_text(key, learner_ref, enrolment + _REF_PLACE, nonce, cipher)


def enrolled_from(head: bytes, training: Training, tail: bytes, ref: bytes) -> bytes:
    return b"".join(
        (
            head,
            ref,
            _training_fields(
                training.training_code,
                training.training_title,
                training.audience,
                training.region,
            ),
            _company_fields(training.siren),
            on_field(training.enrolled_on),
            tail,
        )
    )


@lru_cache(maxsize=64)
def enrolled_head(tenant: str, at: bytes) -> bytes:
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
def on_field(on: date) -> bytes:
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
