"""Submitting rebuilds: to arq when REDIS_URL is set, in this process otherwise."""

from __future__ import annotations

import asyncio
from typing import Protocol

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from osezia.projections.rebuild import rebuild
from osezia.tenants.visibility import Viewer
from osezia.workers.jobs import rebuild_job_id


class RebuildQueue(Protocol):
    async def submit(self, viewer: Viewer) -> bool:
        """Ask for a rebuild; False when one for that target is already queued or running."""
        ...

    async def close(self) -> None: ...


class RedisQueue:
    def __init__(self, redis: ArqRedis) -> None:
        self._redis = redis

    @classmethod
    async def connect(cls, redis_url: str) -> RedisQueue:
        return cls(await create_pool(RedisSettings.from_dsn(redis_url)))

    async def submit(self, viewer: Viewer) -> bool:
        job = await self._redis.enqueue_job(
            "rebuild", viewer.slug, _job_id=rebuild_job_id(viewer.slug)
        )
        return job is not None

    async def close(self) -> None:
        await self._redis.aclose()


class InProcessQueue:
    """The same rebuild, run as a task of this process (no Redis: the embedded setup)."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._running: dict[str, asyncio.Task[object]] = {}

    async def submit(self, viewer: Viewer) -> bool:
        running = self._running.get(viewer.slug)
        if running is not None and not running.done():
            return False
        self._running[viewer.slug] = asyncio.create_task(rebuild(self._database_url, viewer))
        return True

    async def wait(self) -> None:
        await asyncio.gather(*self._running.values())

    async def close(self) -> None:
        for task in self._running.values():
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
