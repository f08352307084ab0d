"""A personal field in the log: an envelope, the one format every writer and reader of the log
uses (the applications' mapper, the bulk import, the demo, the projections' decoder).

A field about a person is stored as ``{"_type_":"sealed","_data_":"<kid>:<base64>"}``: the id
of the person's key in the key store (osezia.store.keys), then the 12-byte nonce and the AES-GCM
ciphertext of the field's JSON, its tag included. The additional data binds the ciphertext to
its place: the event's originator id and version and the field's name, so that an envelope
copied into another event or field does not open. A field whose key was destroyed opens as
nothing: its reader puts ``ERASED`` in its place. A value that is not an envelope (an event
stored before encryption) is read as it is.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from uuid import UUID

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoding

from osezia.store.keys import Keyring, SealingKey

# What a personal field reads once its person is erased, wherever it is read (``open_field``).
ERASED = "effacé"
SEALED = "sealed"  # the envelope's transcoding name
NONCE_BYTES = 12

_KIDS = re.compile(rb'"_type_":"sealed","_data_":"(\d+):')


class Sealed:
    """An envelope as a value: what the transcoder writes for a personal field."""

    __slots__ = ("data",)

    def __init__(self, data: str) -> None:
        self.data = data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        return f"Sealed({self.data[:16]}…)"


class SealedTranscoding(Transcoding):
    """eventsourcing's JSON transcoder reads and writes envelopes as ``Sealed`` values."""

    type = Sealed
    name = SEALED

    def encode(self, obj: Sealed) -> str:
        return obj.data

    def decode(self, data: str) -> Sealed:
        return Sealed(data)


class TamperedField(ValueError):
    """An envelope whose key exists did not open: changed, or moved from its event or field."""

    code = "TAMPERED_FIELD"


def additional_data(originator_id: UUID | bytes | str, version: int, field: str) -> bytes:
    """What binds an envelope to its place: the event's id and version, the field's name."""
    if isinstance(originator_id, bytes):
        key = originator_id
    else:
        key = (originator_id if isinstance(originator_id, UUID) else UUID(originator_id)).bytes
    return key + version.to_bytes(8, "big", signed=True) + field.encode()


def seal(key: SealingKey, plaintext: bytes, aad: bytes) -> str:
    """The envelope's text for ``plaintext`` (a field's JSON) under ``key``."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.cipher.encrypt(nonce, plaintext, aad)
    return f"{key.kid}:{base64.b64encode(nonce + sealed).decode()}"


_ENVELOPE_HEAD = b'{"_type_":"' + SEALED.encode() + b'","_data_":"'


def seal_text(
    key: SealingKey,
    text: str,
    aad: bytes,
    nonce: bytes | None = None,
    cipher: AESGCM | None = None,
) -> bytes:
    """A text field's envelope as the JSON value the log stores (what orjson writes for it:
    a kid and base64 need no escaping). ``nonce``: one of ``nonces``, else drawn here;
    ``cipher``: the key's, made once by a writer sealing many fields under it (making one
    costs more than sealing a field), else made here."""
    nonce = nonce or os.urandom(NONCE_BYTES)
    sealed = (cipher or key.cipher).encrypt(nonce, orjson.dumps(text), aad)
    envelope = binascii.b2a_base64(nonce + sealed, newline=False)  # b64encode, without checks
    return b'%b%d:%b"}' % (_ENVELOPE_HEAD, key.kid, envelope)


def nonces(count: int) -> Iterator[bytes]:
    """``count`` random nonces, drawn from the system in one call (a bulk writer's batch)."""
    drawn = os.urandom(NONCE_BYTES * count)
    return (drawn[i : i + NONCE_BYTES] for i in range(0, len(drawn), NONCE_BYTES))


def open_sealed(data: str, aad: bytes, keyring: Keyring) -> bytes | None:
    """The field's JSON, or None when its key was destroyed (its person erased)."""
    kid, _, body = data.partition(":")
    cipher = keyring.opening(int(kid))
    if cipher is None:
        return None
    raw = binascii.a2b_base64(body)  # what base64.b64decode calls, after checks
    try:
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        raise TamperedField(
            f"a personal field did not open under its key {kid}: the stored event was changed"
        ) from None


def open_field(data: str, aad: bytes, keyring: Keyring, decode: Callable[[bytes], Any]) -> Any:
    """A personal field's value, its JSON decoded by ``decode``; once its key is destroyed,
    ``ERASED``, whatever the field's type: the one rule of every reader of the log (a personal
    field is declared with a type that holds text: osezia.domain.personal.problems_of)."""
    plaintext = open_sealed(data, aad, keyring)
    return ERASED if plaintext is None else decode(plaintext)


def open_json(value: dict[str, Any], aad: bytes, keyring: Keyring) -> Any:
    """A decoded envelope's value, as plain JSON data (strings, numbers, lists, dicts), or
    ``ERASED``."""
    return open_field(value["_data_"], aad, keyring, orjson.loads)


def kids_in(states: Iterable[bytes]) -> set[int]:
    """The keys the envelopes of these stored states name, found without decoding them: one
    scan of the states joined (a state is a JSON object, so no envelope spans two), where a
    scan each cost twice as much over a rebuild's batch."""
    return {int(kid) for kid in _KIDS.findall(b"\n".join(states))}


def keys_to_load(states: Iterable[bytes], keyring: Keyring) -> set[int]:
    """The keys these stored states' envelopes name that ``keyring`` has not cached."""
    return keyring.uncached(kids_in(states))


def preload(states: Iterable[bytes], keyring: Keyring) -> None:
    """Load, in one trip, the keys a batch of stored states needs (the projections' reader
    does the same in a thread: osezia.projections.codec.preload_keys)."""
    if kids := keys_to_load(states, keyring):
        keyring.load(kids)
