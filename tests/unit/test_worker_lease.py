"""arq holds every job a worker starts for its longest function's timeout (plus 10 s): no job of
the worker may have a longer one than a rebuild's lease, or a dead worker's rebuild waits that
long before another takes it over."""

from __future__ import annotations

from arq import Worker

from osezia.store.settings import load_settings
from osezia.workers.settings import worker_settings


def test_no_job_holds_a_dead_workers_rebuild_longer_than_its_lease() -> None:
    settings = load_settings({"REDIS_URL": "redis://127.0.0.1:6379/0", "OSEZIA_REBUILD_LEASE": "7"})
    worker = Worker(**worker_settings(settings))
    assert worker.in_progress_timeout_s == settings.rebuild_lease_seconds + 10
