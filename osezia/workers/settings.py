"""The arq worker: `osezia worker` runs it against REDIS_URL."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import func
from arq.connections import RedisSettings

from osezia.config import Database, load_settings
from osezia.embedded import resolve_database_url
from osezia.projections.targets import Targets
from osezia.tenants.application import Tenants
from osezia.workers import jobs


async def startup(ctx: dict[str, Any]) -> None:
    settings = load_settings()
    database_url = resolve_database_url(settings.database_url, production=settings.is_production)
    tenants = Tenants(env=Database.from_url(database_url).eventsourcing_env(pool_size=2))
    ctx.update(
        database_url=database_url,
        tenants=tenants,
        targets=Targets(tenants),
        lease_seconds=settings.rebuild_lease_seconds,
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    ctx["tenants"].close()


def redis_settings() -> RedisSettings:
    """REDIS_URL as load_settings checked it (an empty one is a SettingsError, not arq's crash)."""
    return RedisSettings.from_dsn(load_settings().redis_url or "redis://127.0.0.1:6379/0")


class WorkerSettings:
    # keep_result=0: once a rebuild has finished, the same id may be enqueued again. A run holds
    # the job for a lease only (OSEZIA_REBUILD_LEASE), so a dead worker's rebuild is taken over.
    functions: ClassVar[list[Any]] = [
        func(
            jobs.rebuild,
            keep_result=0,
            max_tries=jobs.MAX_TRIES,
            timeout=load_settings().rebuild_lease_seconds,
        )
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = redis_settings()
    max_jobs = 4
    handle_signals = True
