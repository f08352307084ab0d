"""`osezia project` and `osezia worker`: the processes that keep the read models current and
run the rebuilds."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import TYPE_CHECKING

from osezia.cli.database import database_url, store_env
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_project_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    commands.add_parser("project", help="keep every tenant's read models up to date").set_defaults(
        run=project
    )


def add_worker_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    commands.add_parser("worker", help="run an arq worker (needs REDIS_URL)").set_defaults(
        run=worker
    )


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


def project(settings: Settings, _: argparse.Namespace) -> int:
    from osezia.tenants.application import Tenants
    from osezia.workers.projector import run_projections
    from osezia.workers.queue import RedisQueue

    url = database_url(settings)

    async def main() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        queue = await RedisQueue.connect(settings.redis_url) if settings.redis_url else None
        with Tenants(env=store_env(url, 2)) as tenants:
            try:
                await run_projections(url, tenants, stop, queue=queue, probe=True)
            finally:
                if queue is not None:
                    await queue.close()

    print("osezia projects the event log into every tenant's read models", file=sys.stderr)
    asyncio.run(main())
    return 0


def worker(settings: Settings, _: argparse.Namespace) -> int:
    from arq.worker import run_worker

    from osezia.workers.settings import worker_settings

    if settings.redis_url is None:
        print("osezia: `osezia worker` needs REDIS_URL", file=sys.stderr)
        return 2
    run_worker(worker_settings(settings))
    return 0
