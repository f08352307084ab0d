"""The decisions behind a record: each event of its aggregate, when it was recorded, what it
decided, who decided it and through which network (osezia.domain.actors).

A budget's commitments and payments are events of the envelope, a diagnostic's steps events of
the diagnostic: the decisions of one id answer "who committed this money", "who granted this
guarantee".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from osezia.domain.actors import META, Actor, ActorMapper
from osezia.domain.application import PlatformApplication

# Keys of every stored state that say nothing the event's name and time do not already say.
_BOOKKEEPING = frozenset({"timestamp", "originator_topic", "class_version", META})
# Credentials decide nothing, and a listing of decisions is no place to copy them to.
_CREDENTIALS = ("secret", "password")


@dataclass(frozen=True)
class Decision:
    """One event of a record, with its actor (None for an event recorded before actors were)."""

    record_id: UUID
    version: int
    recorded_at: datetime
    event: str
    actor: Actor | None
    details: dict[str, Any]

    @property
    def via(self) -> str | None:
        return self.actor.via if self.actor is not None else None


def decisions_of(app: PlatformApplication, record_id: UUID) -> list[Decision]:
    """Every event of the record, oldest first; none for an id the log does not hold."""
    mapper = app.mapper
    if not isinstance(mapper, ActorMapper):
        raise TypeError("decisions are read through the actor mapper")
    return [
        _decision(
            record_id, stored.originator_version, stored.topic, mapper.decoded_event_state(stored)
        )
        for stored in app.recorder.select_events(record_id)
    ]


def _decision(record_id: UUID, version: int, topic: str, state: dict[str, Any]) -> Decision:
    meta = state.get(META)
    return Decision(
        record_id=record_id,
        version=version,
        recorded_at=state["timestamp"],
        event=topic.rpartition(":")[2],
        actor=Actor.of_meta(meta) if isinstance(meta, dict) else None,
        details={
            k: v
            for k, v in state.items()
            if k not in _BOOKKEEPING and not any(word in k for word in _CREDENTIALS)
        },
    )
