"""Rebuilds run by a real arq worker (`osezia worker`, a process of its own) on the real Redis."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from psycopg.rows import dict_row
from redis import Redis

from osezia.domain.platform import Platform
from osezia.projections.connections import connect
from osezia.projections.status import projection_status
from osezia.tenants.application import Tenants
from osezia.tenants.visibility import Viewer
from osezia.workers.jobs import rebuild_job_id
from osezia.workers.queue import RedisQueue
from tests.integration.process_support import (
    Command,
    command_env,
    eventually,
    head,
    redis_database,
    schemas_like,
    versions,
    write_history,
)
from tests.integration.projection_support import build_all, snapshot, viewers_of

# This module's own Redis database, flushed before and after each test: arq's job keys
# (arq:job:rebuild:cci) are not namespaced by queue, so sharing a database would share jobs.
WORKER_REDIS_DB = 12


@pytest.fixture
def worker_redis(redis: str) -> Iterator[str]:
    with redis_database(redis, WORKER_REDIS_DB) as url:
        yield url


@pytest.fixture
def start_worker(
    database_url: str, worker_redis: str, tmp_path: Path
) -> Iterator[Callable[[], Command]]:
    """Starts `osezia worker` when the test is ready for it; stops it with SIGTERM after."""
    started: list[Command] = []
    env = command_env(DATABASE_URL=database_url, REDIS_URL=worker_redis)

    def start() -> Command:
        started.append(Command(["worker"], env, tmp_path / f"worker-{len(started)}.log"))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def by_slug(tenants: Tenants) -> dict[str, Viewer]:
    return {v.slug: v for v in viewers_of(tenants)}


def submit(redis_url: str, *viewers: Viewer) -> list[bool]:
    async def run() -> list[bool]:
        queue = await RedisQueue.connect(redis_url)
        try:
            return [await queue.submit(viewer) for viewer in viewers]
        finally:
            await queue.close()

    return asyncio.run(run())


def enqueue_rebuild(redis_url: str, target: str, **arguments: Any) -> bool:
    """The job RedisQueue.submit sends, with arguments it does not send (a batch size)."""

    async def run() -> bool:
        redis = await create_pool(RedisSettings.from_dsn(redis_url))
        try:
            job = await redis.enqueue_job(
                "rebuild", target, _job_id=rebuild_job_id(target), **arguments
            )
        finally:
            await redis.aclose()
        return job is not None

    return asyncio.run(run())


def statuses(database_url: str, target: str) -> list[tuple[int, str]]:
    return [(v["version"], v["status"]) for v in versions(database_url, target)]


@contextmanager
def holding_the_next_batch(database_url: str, target: str) -> Iterator[dict[str, Any]]:
    """Lock the tracking row of the target's building version (each batch locks it first),
    yielding that version as it stands once the lock is held."""
    building = versions(database_url, target)[-1]
    with psycopg.connect(database_url, row_factory=dict_row) as conn, conn.transaction():
        conn.execute(f'SELECT position FROM "{building["data_schema"]}".tracking FOR UPDATE')
        yield versions(database_url, target)[-1]


def job_done(redis_url: str, target: str) -> bool:
    with Redis.from_url(redis_url) as client:
        return not client.exists(f"arq:job:{rebuild_job_id(target)}") and not client.zcard(
            "arq:queue"
        )


def test_a_rebuild_submitted_to_the_queue_runs_on_a_worker_and_its_version_goes_live(
    platform: Platform,
    tenants: Tenants,
    database_url: str,
    worker_redis: str,
    start_worker: Callable[[], Command],
) -> None:
    write_history(platform, 300)
    viewers = by_slug(tenants)
    asyncio.run(build_all(database_url, [viewers["platform"], viewers["cci"]]))
    served = asyncio.run(snapshot(database_url, "cci"))
    worker = start_worker()

    assert submit(worker_redis, viewers["cci"]) == [True]

    eventually(lambda: (2, "LIVE") in statuses(database_url, "cci"), 30, lambda: worker.output())
    assert statuses(database_url, "cci") == [(1, "RETIRED"), (2, "LIVE")]
    assert schemas_like(database_url, "tenant\\_cci\\_v%") == {"tenant_cci_v2"}
    assert asyncio.run(snapshot(database_url, "cci")) == served


def test_the_same_rebuild_submitted_twice_before_a_worker_takes_it_runs_once(
    platform: Platform,
    tenants: Tenants,
    database_url: str,
    worker_redis: str,
    start_worker: Callable[[], Command],
) -> None:
    write_history(platform, 300)
    viewers = by_slug(tenants)
    asyncio.run(build_all(database_url, [viewers["platform"], viewers["cci"]]))

    submitted = submit(worker_redis, viewers["cci"], viewers["cci"])
    worker = start_worker()

    assert submitted == [True, False]
    eventually(lambda: job_done(worker_redis, "cci"), 30, lambda: worker.output())
    # Nothing is queued or running any more: no second version can appear later.
    assert statuses(database_url, "cci") == [(1, "RETIRED"), (2, "LIVE")]


def test_rebuilds_of_several_tenants_submitted_together_all_go_live_on_one_worker(
    platform: Platform,
    tenants: Tenants,
    database_url: str,
    worker_redis: str,
    start_worker: Callable[[], Command],
) -> None:
    write_history(platform, 300)
    viewers = by_slug(tenants)
    asyncio.run(build_all(database_url, [viewers["platform"]]))  # tenants' figures read it
    networks = ["bpifrance", "cci", "french-tech", "inria"]
    worker = start_worker()

    # The worker runs up to four jobs at once: four new data schemas created side by side.
    assert submit(worker_redis, *(viewers[n] for n in networks)) == [True] * 4

    for network in networks:
        eventually(
            lambda: statuses(database_url, network) == [(1, "LIVE")],  # noqa: B023
            30,
            lambda: f"{network}: {versions(database_url, network)}\n{worker.output()}",  # noqa: B023
        )
    expected = asyncio.run(snapshot(database_url, "cci"))
    asyncio.run(build_all(database_url, [viewers["cci"]]))
    assert asyncio.run(snapshot(database_url, "cci")) == expected


def test_a_running_rebuild_reports_its_progress_and_once_cancelled_leaves_the_live_version(
    platform: Platform,
    tenants: Tenants,
    database_url: str,
    worker_redis: str,
    start_worker: Callable[[], Command],
    tmp_path: Path,
) -> None:
    write_history(platform, 1500)
    viewers = by_slug(tenants)
    asyncio.run(build_all(database_url, [viewers["platform"], viewers["cci"]]))
    served = asyncio.run(snapshot(database_url, "cci"))
    worker = start_worker()
    # Ten events per transaction: a long build, each batch a chance to see the cancellation.
    assert enqueue_rebuild(worker_redis, "cci", batch_size=10)

    def progress() -> tuple[int, int, float | None, float | None] | None:
        async def read() -> tuple[int, int, float | None, float | None] | None:
            conn = await connect(database_url)
            try:
                building = (await projection_status(conn, "cci")).rebuild
            finally:
                await conn.close()
            if building is None or building.events_done == 0:
                return None
            return (
                building.events_done,
                building.events_total,
                building.rate,
                building.eta_seconds,
            )

        return asyncio.run(read())

    first = eventually(progress, 30, lambda: worker.output())
    later = eventually(
        lambda: (p := progress()) is not None and p[0] > first[0] and p, 30, "more progress"
    )
    assert isinstance(later, tuple)
    assert 0 < first[0] < later[0] < later[1] == head(database_url)
    events_per_second, seconds_to_go = later[2], later[3]
    assert events_per_second is not None
    assert events_per_second > 0
    assert seconds_to_go is not None
    assert seconds_to_go > 0

    # The build's next batch waits on its tracking row while the cancel is asked for, so a
    # build quicker than the command's start-up cannot finish first.
    with holding_the_next_batch(database_url, "cci") as building:
        assert building["status"] == "BUILDING", building
        cancel = Command(
            ["rebuild", "cci", "--cancel"],
            command_env(DATABASE_URL=database_url, REDIS_URL=worker_redis),
            tmp_path / "cancel.log",
        )
        assert cancel.wait(30) == 0, cancel.output()
    assert "cancel requested for cci" in cancel.output()

    eventually(
        lambda: statuses(database_url, "cci") == [(1, "LIVE"), (2, "CANCELLED")],
        30,
        lambda: f"{versions(database_url, 'cci')}\n{worker.output()}",
    )
    assert schemas_like(database_url, "tenant\\_cci\\_v%") == {"tenant_cci_v1"}
    assert asyncio.run(snapshot(database_url, "cci")) == served  # the old version still serves
    eventually(lambda: job_done(worker_redis, "cci"), 10, "the job finished")


# A short lease, so that a dead worker's rebuild is taken over within seconds (arq adds 10 s).
TEST_LEASE = 4
# How many times the worker running the rebuild is killed: a longer run is documented in the
# README (OSEZIA_WORKER_KILLS=20).
KILLS = int(os.environ.get("OSEZIA_WORKER_KILLS", "3"))


def test_a_rebuild_whose_worker_is_killed_again_and_again_is_taken_over_and_ends_equal(
    platform: Platform,
    tenants: Tenants,
    database_url: str,
    worker_redis: str,
    tmp_path: Path,
) -> None:
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    write_history(platform, 1500)
    viewers = by_slug(tenants)
    asyncio.run(build_all(database_url, [viewers["platform"], viewers["cci"]]))
    incremental = asyncio.run(snapshot(database_url, "cci"))
    env = command_env(
        DATABASE_URL=database_url, REDIS_URL=worker_redis, OSEZIA_REBUILD_LEASE=str(TEST_LEASE)
    )
    workers = [Command(["worker"], env, tmp_path / "worker-0.log")]
    # Ten events per transaction: a long build, with many points to be killed at.
    assert enqueue_rebuild(worker_redis, "cci", batch_size=10)
    takeovers: list[float] = []

    def done() -> int:
        building = [v for v in versions(database_url, "cci") if v["status"] == "BUILDING"]
        return building[0]["events_done"] if building else -1

    def live() -> bool:
        return statuses(database_url, "cci")[-1] == (2, "LIVE")

    def past(events: int) -> Callable[[], bool]:
        return lambda: live() or done() > events

    def log() -> str:
        return f"seed {seed}, kills {takeovers}\n{workers[-1].output()}"

    try:
        for kill in range(KILLS):
            eventually(lambda: live() or done() > 0, 90, log)
            if live():
                break
            eventually(past(done()), 60, log)
            if live():
                break
            time.sleep(chance.uniform(0, 1.5))
            workers[-1].kill()
            killed_at = time.monotonic()
            time.sleep(0.5)  # a commit the worker sent just before dying lands first
            at_kill = done()
            workers.append(Command(["worker"], env, tmp_path / f"worker-{kill + 1}.log"))
            if at_kill < 0:
                break  # it went live before the kill: there was nothing to take over
            eventually(past(at_kill), TEST_LEASE + 10 + 60, log)
            takeovers.append(time.monotonic() - killed_at)
        eventually(live, 180, log)
    finally:
        for worker in workers:
            worker.stop()

    print(f"\nseed {seed}: rebuild taken over after each kill in {takeovers} s")
    assert takeovers, f"seed {seed}: the rebuild ended before the first kill"
    assert statuses(database_url, "cci") == [(1, "RETIRED"), (2, "LIVE")]
    assert asyncio.run(snapshot(database_url, "cci")) == incremental
