"""Reading stored events as plain data, without rebuilding domain event objects.

Projections decode the stored JSON directly (the format of eventsourcing's JSONTranscoder, which
osezia configures without compression or whole-event encryption) and turn the transcoded values
back into UUIDs, dates, datetimes and Decimals. This costs a fraction of building event objects,
and a rebuild spends most of its time here.

A personal field is an envelope (osezia.store.personal_cipher): it is opened with its person's
key, or reads « effacé » once the key is destroyed. A batch's keys are loaded in one trip
(``preload_keys``) before its events are decoded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

from osezia.store.keys import keyring
from osezia.store.personal_cipher import SEALED, additional_data, keys_to_load, open_json

_DECODERS: dict[str, Callable[[Any], Any]] = {
    "uuid_hex": UUID,
    "date_iso": date.fromisoformat,
    "datetime_iso": datetime.fromisoformat,
    "decimal_str": Decimal,
}


def _restore(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        transcoded = value.get("_type_")
        if transcoded is not None and "_data_" in value:
            return _DECODERS[transcoded](value["_data_"])
        return {k: _restore(v) for k, v in value.items()}
    if kind is list:
        return [_restore(v) for v in value]
    return value


def _decode_state(state: bytes, originator_id: UUID, version: int) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(state)
    # Restored in place: most values are plain strings and numbers, left as they are.
    for key, value in data.items():
        kind = type(value)
        if kind is dict:
            if value.get("_type_") == SEALED:
                aad = additional_data(originator_id, version, key)
                value = open_json(value, aad, keyring())
                kind = type(value)
                if kind is not dict and kind is not list:
                    data[key] = value
                    continue
            data[key] = _restore(value)
        elif kind is list:
            data[key] = _restore(value)
    return data


async def preload_keys(states: Iterable[bytes]) -> None:
    """Load the keys these stored states' personal fields need and the process has not cached,
    in one trip to the key store, in a thread (the key store's driver is synchronous)."""
    ring = keyring()
    if kids := keys_to_load(states, ring):
        await asyncio.to_thread(ring.load, kids)


class StoredEvent:
    """One event of the log, as the projections see it.

    Its JSON is decoded when ``data`` is first read. A tenant's rebuild reads every event of the
    log, but most are updates of rows the tenant does not see, skipped on their originator id
    alone: those are never decoded.
    """

    __slots__ = ("_data", "_state", "originator_id", "originator_version", "position", "topic")

    def __init__(
        self, position: int, originator_id: UUID, originator_version: int, topic: str, state: bytes
    ) -> None:
        self.position = position
        self.originator_id = originator_id
        self.originator_version = originator_version
        self.topic = topic
        self._state = state
        self._data: dict[str, Any] | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = _decode_state(self._state, self.originator_id, self.originator_version)
        return self._data

    @property
    def timestamp(self) -> datetime:
        stamp: datetime = self.data["timestamp"]
        return stamp

    def __repr__(self) -> str:
        return f"StoredEvent({self.position}, {self.originator_id}, {self.topic!r})"


def decode(
    position: int, originator_id: UUID, version: int, topic: str, state: bytes
) -> StoredEvent:
    return StoredEvent(position, originator_id, version, topic, state)
