"""What a read model is made of: a table, the events that create and change its rows, and
where a row stands for visibility (its owner, region and parties)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from eventsourcing.utils import get_topic

from osezia.projections.codec import StoredEvent
from osezia.projections.table import Row, Table

Create = Callable[[StoredEvent], Row]
Update = Callable[[Row, StoredEvent], Row | None]  # None deletes the row


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per model
class ReadModel:
    kind: str
    table: Table
    creates: Mapping[str, Create]
    updates: Mapping[str, Update]
    scope: Callable[[Row], tuple[str, str | None, Collection[str]]]


def topic(event_class: type) -> str:
    return get_topic(event_class)


def touch(row: Row, event: StoredEvent, **changes: object) -> Row:
    """Apply changes to a row and stamp it with the event's time and position."""
    row.update(changes)
    row["updated_at"] = event.timestamp
    row["position"] = event.position
    return row
