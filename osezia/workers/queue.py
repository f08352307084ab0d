"""Submitting rebuilds to arq. Without REDIS_URL, the projector and `osezia rebuild` call the
same rebuild directly in their own process."""

from __future__ import annotations

from typing import Protocol

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

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
