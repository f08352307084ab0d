from __future__ import annotations

from datetime import datetime

import strawberry

from osezia.projections.status import ProjectionStatus as Status


@strawberry.type(description="A rebuild of the read models in progress.")
class Rebuild:
    version: int
    events_done: int
    events_total: int
    events_per_second: float | None
    eta_seconds: float | None
    cancel_requested: bool
    started_at: datetime


@strawberry.type(description="How current the caller's read models are.")
class ProjectionStatus:
    version: int | None
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    rebuild: Rebuild | None

    @classmethod
    def of(cls, status: Status) -> ProjectionStatus:
        building = status.rebuild
        rebuild = (
            Rebuild(
                version=building.version,
                events_done=building.events_done,
                events_total=building.events_total,
                events_per_second=building.rate,
                eta_seconds=building.eta_seconds,
                cancel_requested=building.cancel_requested,
                started_at=building.created_at,
            )
            if building
            else None
        )
        return cls(
            version=status.version,
            position=status.position,
            head=status.head,
            lag_events=status.lag_events,
            lag_seconds=status.lag_seconds,
            rebuild=rebuild,
        )
