"""`osezia rebuild`: a target's read models rebuilt from history, in process or by a worker,
with a progress bar while it runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from osezia.cli.database import database_url, store_env
from osezia.cli.progress import ProgressLine
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    rebuild = commands.add_parser("rebuild", help="rebuild a tenant's read models from history")
    rebuild.add_argument("target", help="a tenant slug, or 'platform'")
    rebuild.add_argument("--cancel", action="store_true", help="cancel the running rebuild")
    rebuild.add_argument("--no-wait", action="store_true", help="queue it and return")
    rebuild.set_defaults(run=rebuild_command)


def rebuild_command(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.projections.connections import connect
    from osezia.projections.rebuild import Progress, rebuild
    from osezia.projections.targets import Targets
    from osezia.projections.versions import building_version, latest_version, request_cancel
    from osezia.tenants.application import Tenants
    from osezia.workers.queue import RedisQueue

    url = database_url(settings)
    target: str = arguments.target

    line = ProgressLine("events")

    def show(progress: Progress) -> None:
        line.show(progress.done, progress.total, progress.rate)

    async def main() -> int:
        conn = await connect(url)
        try:
            if arguments.cancel:
                cancelled = await request_cancel(conn, target)
                print(
                    f"cancel requested for {target}"
                    if cancelled
                    else f"no rebuild of {target} runs"
                )
                return 0 if cancelled else 1
            with Tenants(env=store_env(url, 1)) as tenants:
                try:
                    viewer = await Targets(tenants).viewer(target)
                except LookupError as error:
                    print(f"osezia: {error.args[0]}", file=sys.stderr)
                    return 2
            if settings.redis_url is None:
                outcome = await rebuild(url, viewer, on_progress=show)
                line.finish(complete=outcome.status == "LIVE")
                print(f"{target}: version {outcome.version} is {outcome.status}")
                return 0
            queue = await RedisQueue.connect(settings.redis_url)
            try:
                submitted = await queue.submit(viewer)
            finally:
                await queue.close()
            print(f"rebuild of {target} {'queued' if submitted else 'already queued or running'}")
            if arguments.no_wait:
                return 0
            while True:
                await asyncio.sleep(0.5)
                building = await building_version(conn, target)
                if building is not None and _stalled(building.updated_at):
                    since = building.updated_at.astimezone().strftime("%H:%M:%S")
                    line.note(
                        f"{target}: stalled since {since} (its worker stopped; a live or "
                        "restarted worker takes it over when the lease runs out)"
                    )
                    continue
                if building is not None:
                    show(
                        Progress(
                            target,
                            building.version,
                            building.events_done,
                            building.events_total,
                            building.rate,
                        )
                    )
                    continue
                latest = await latest_version(conn, target)
                if (
                    latest is not None
                    and latest.status in {"LIVE", "CANCELLED"}
                    and (latest.updated_at.timestamp() >= started)
                ):
                    line.finish(complete=latest.status == "LIVE")
                    print(f"{target}: version {latest.version} is {latest.status}")
                    return 0
        finally:
            await conn.close()

    started = time.time()
    return asyncio.run(main())


# A building version whose progress has not moved for this long has lost its worker.
STALLED_AFTER = timedelta(seconds=30)


def _stalled(updated_at: datetime) -> bool:
    return datetime.now(UTC) - updated_at > STALLED_AFTER
