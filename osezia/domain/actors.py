"""Who made each decision: the actor recorded beside every event appended to the log.

Every stored event's JSON ends with one reserved key, ``_meta`` (no domain event may have a
field of that name)::

    "_meta":{"actor":"cli-3f9c…","via":"bpifrance","kind":"client"}

- ``actor``: who decided, by an identifier and nothing more: one of our machine clients' id, the
  identity provider's subject (``sub``) for a person, ``dev:<tenant>`` for a developer acting
  through the tenant header, the operating system's user for a command of ``osezia`` run by
  hand, or the name of a process acting on its own (``demo``);
- ``via``: the network (tenant) the actor acted for;
- ``kind``: one of ``KINDS``.

The actor of a command is set once, around the command, with ``acting``: the GraphQL API sets
the verified caller, the ``osezia`` command its operating-system user. ``ActorMapper`` writes
it when encoding an event and strips it once the event is decoded, so aggregates and snapshots
never see it (an upcaster gets the state with it, and leaves it be); projections decode the JSON
themselves, read the keys they know and pass over it.

An event appended while no actor is set is refused with ``NoActor``, a programming error, not a
caller's: an anonymous decision would be a hole in the record that nobody notices, where a
refused one is found by the first test of the path that forgot to set its actor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

META = "_meta"
KINDS = frozenset({"client", "person", "developer", "cli", "system"})


class NoActor(RuntimeError):
    """An event was about to be appended with no actor set around its command."""

    code = "NO_ACTOR"


@dataclass(frozen=True)
class Actor:
    """Who decided (an identifier only), through which network, and what kind of actor."""

    id: str
    via: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of actor {self.kind!r}")
        if not self.id or not self.via:
            raise ValueError("an actor needs an identifier and a network")

    def as_meta(self) -> dict[str, str]:
        return {"actor": self.id, "via": self.via, "kind": self.kind}

    @classmethod
    def of_meta(cls, meta: dict[str, Any]) -> Actor:
        return cls(str(meta["actor"]), str(meta["via"]), str(meta["kind"]))


_current: ContextVar[Actor | None] = ContextVar("osezia_actor", default=None)
# The actor of a process whose every append is one actor's, its threads' included (a test run).
_process: list[Actor] = []


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    """Record ``actor`` on every event appended inside the block (in this context, and in the
    threads ``asyncio.to_thread`` starts from it, which copy it)."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def acting_for_process(actor: Actor) -> Iterator[Actor]:
    """Record ``actor`` on events appended by any thread of this process that sets none."""
    _process.append(actor)
    try:
        yield actor
    finally:
        _process.remove(actor)


def current_actor() -> Actor:
    """The actor set around the running command, or ``NoActor``."""
    actor = _current.get() or (_process[-1] if _process else None)
    if actor is None:
        raise NoActor("an event was appended with no actor set: wrap the command in acting()")
    return actor


class ActorMapper(Mapper[UUID]):
    """eventsourcing's mapper, adding the current actor under ``_meta`` to each stored event
    and removing it from the events it reads back.

    The mapper that encrypts personal data (osezia.domain.shredding) subclasses this one:
    ``sealed_state`` encrypts the state's personal fields, ``encoded_state`` turns the state,
    ``_meta`` included, into the stored bytes, and ``decoded_event_state`` turns them back, for
    readers of the log such as ``osezia decisions``.
    """

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        state[META] = current_actor().as_meta()
        state = self.sealed_state(type(domain_event), originator_id, originator_version, state)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=self.encoded_state(state),
        )

    def prepare(self, events: Iterable[DomainEventProtocol[UUID]]) -> None:
        """Get ready to store these events together: nothing to do here; the subclass that
        encrypts asks the key store for all their people's keys at once."""

    def sealed_state(
        self, event_class: type, originator_id: UUID, version: int, state: dict[str, Any]
    ) -> dict[str, Any]:
        """The state to store: as it is here; encrypted where personal in the subclass that
        encrypts (osezia.domain.shredding.PersonalDataMapper)."""
        return state

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        # Removed once the event is rebuilt: upcasters see the state they were written for,
        # plus this key, which they neither read nor write.
        vars(domain_event).pop(META, None)
        return domain_event

    def decoded_event_state(self, stored_event: StoredEvent) -> dict[str, Any]:
        """A stored event's state, ``_meta`` included, as a reader of the log sees it."""
        return self.decoded_state(stored_event.state)

    def decoded_state(self, stored: bytes) -> dict[str, Any]:
        if self.cipher:
            stored = self.cipher.decrypt(stored)
        if self.compressor:
            stored = self.compressor.decompress(stored)
        state: dict[str, Any] = self.transcoder.decode(stored)
        return state

    def encoded_state(self, state: dict[str, Any]) -> bytes:
        encoded = self.transcoder.encode(state)
        if self.compressor:
            encoded = self.compressor.compress(encoded)
        if self.cipher:
            encoded = self.cipher.encrypt(encoded)
        return encoded
