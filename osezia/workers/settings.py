"""The arq worker: `osezia worker` runs it against REDIS_URL, with the settings the command
read (osezia.store.settings); the worker reads no environment variable of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from arq import cron, func
from arq.connections import ArqRedis, RedisSettings
from arq.constants import default_queue_name
from redis.exceptions import RedisError

from osezia.observability.probe import Health
from osezia.projections.connections import connect
from osezia.projections.runner import close_or_drop
from osezia.projections.targets import Targets
from osezia.store.embedded import resolve_database_url
from osezia.store.settings import Database, Settings
from osezia.tenants.application import Tenants
from osezia.workers import jobs, metrics, retention
from osezia.workers.process import Backoff, configure_logging, start_probe

WATCH_SECONDS = 5.0  # how often the database is reached and the queue measured

log = logging.getLogger("osezia.worker")


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    configure_logging(settings, "worker")
    database_url = resolve_database_url(settings.database_url, production=settings.is_production)
    tenants = Tenants(env=Database.from_url(database_url).eventsourcing_env(pool_size=2))
    health = Health()
    ctx.update(
        database_url=database_url,
        tenants=tenants,
        targets=Targets(tenants),
        lease_seconds=settings.rebuild_lease_seconds,
        health=health,
        probe=await start_probe(settings, "worker", health),
    )
    ctx["watch"] = asyncio.create_task(_watch(database_url, ctx["redis"], health))
    log.info("worker started (rebuild lease %d s)", settings.rebuild_lease_seconds)


async def _watch(database_url: str, redis: ArqRedis, health: Health) -> None:
    """Reach the database and measure the queue every few seconds, for /healthz and /metrics,
    whether or not a job is running."""
    backoff = Backoff(log, "reaching the database", health)
    conn: asyncpg.Connection | None = None
    while True:
        try:
            if conn is None or conn.is_closed():
                conn = await connect(database_url)
            await conn.fetchval("SELECT 1")
            backoff.succeeded()
            wait = WATCH_SECONDS
        except Exception as error:  # an outage: logged once per attempt, then tried again
            if conn is not None:
                await close_or_drop(conn)
                conn = None
            wait = backoff.failed(error)
        try:  # Redis's own trouble: no database failure, and arq reports it on its own
            metrics.QUEUE_DEPTH.set(await redis.zcard(default_queue_name))
        except RedisError as error:
            log.warning("queue depth unknown: %s", error)
        try:
            await asyncio.sleep(wait)
        except asyncio.CancelledError:
            if conn is not None:
                await close_or_drop(conn)
            raise


async def shutdown(ctx: dict[str, Any]) -> None:
    watch: asyncio.Task[None] | None = ctx.get("watch")
    if watch is not None:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
    if "probe" in ctx:
        await ctx["probe"].close()
    ctx["tenants"].close()
    log.info("worker stopped")


def worker_settings(settings: Settings) -> dict[str, Any]:
    """arq's Worker options for these settings; the settings themselves reach `startup` in the
    worker's ctx."""
    return {
        # keep_result=0: once a rebuild has finished, the same id may be enqueued again. A run
        # holds the job for a lease only (OSEZIA_REBUILD_LEASE), so a dead worker's rebuild is
        # taken over.
        "functions": [
            func(
                jobs.rebuild,
                keep_result=0,
                max_tries=jobs.MAX_TRIES,
                timeout=settings.rebuild_lease_seconds,
            )
        ],
        # Every night, the people whose retention period is over are erased. arq holds every
        # job it starts for its longest function's timeout: a longer one here would leave a
        # dead worker's rebuild untaken for as long. The job stops within the lease and the
        # next night goes on where it stopped.
        "cron_jobs": [
            cron(
                retention.erase_expired,
                hour=3,
                minute=30,
                unique=True,
                timeout=settings.rebuild_lease_seconds,
                keep_result=retention.REPORT_KEPT_SECONDS,
            )
        ],
        "on_startup": startup,
        "on_shutdown": shutdown,
        # REDIS_URL as the settings checked it (an empty one is a SettingsError, not arq's crash).
        "redis_settings": RedisSettings.from_dsn(settings.redis_url or "redis://127.0.0.1:6379/0"),
        "ctx": {"settings": settings},
        "max_jobs": 4,
        "handle_signals": True,
    }
