"""Applications that keep each aggregate as the command left it, to compare with its replay."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Recording

from osezia.domain.application import CommandReceipt, PlatformApplication


class KeepsSaved(PlatformApplication):
    """Mixed in before an application class: `saved` maps each id to its last saved state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.saved: dict[UUID, Aggregate] = {}
        super().__init__(*args, **kwargs)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        kept = (o for o in objs if isinstance(o, Aggregate) and not isinstance(o, CommandReceipt))
        self.saved.update({o.id: o for o in kept})
        return recordings
