"""arq holds every job a worker starts for its longest function's timeout (plus 10 s): no job of
the worker may have a longer one than a rebuild's lease, or a dead worker's rebuild waits that
long before another takes it over."""

from __future__ import annotations

import asyncio

from arq import Worker

from osezia.store.settings import Settings, load_settings
from osezia.workers.settings import worker_settings


async def a_worker(settings: Settings) -> Worker:
    # Built outside a running loop, arq's Worker makes an event loop of its own, sets it as the
    # thread's and adds its signal handlers to it, and nothing closes it: a later test's
    # asyncio.run drops it unclosed, with its socket pair. Built here, it takes the running
    # loop, which asyncio.run closes, signal handlers and all.
    return Worker(**worker_settings(settings))


def test_no_job_holds_a_dead_workers_rebuild_longer_than_its_lease() -> None:
    settings = load_settings({"REDIS_URL": "redis://127.0.0.1:6379/0", "OSEZIA_REBUILD_LEASE": "7"})
    worker = asyncio.run(a_worker(settings))
    assert worker.in_progress_timeout_s == settings.rebuild_lease_seconds + 10
