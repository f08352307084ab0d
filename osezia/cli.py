"""The `osezia` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Sequence

import eventsourcing.persistence
import psycopg
import sqlalchemy.exc

from osezia.config import Database, Settings, SettingsError, load_settings
from osezia.embedded import resolve_database_url
from osezia.graphql.auth.cli import add_keys_parser
from osezia.graphql.auth.cli import add_parser as add_clients_parser

# What a database that is down or unreachable raises, through each of the drivers we use.
_UNREACHABLE = (
    OSError,
    psycopg.OperationalError,
    sqlalchemy.exc.OperationalError,
    eventsourcing.persistence.OperationalError,
)


def _database_url(settings: Settings) -> str:
    url = resolve_database_url(settings.database_url)
    if settings.database_url is None:
        print(f"DATABASE_URL is not set: using the embedded PostgreSQL ({url})", file=sys.stderr)
    return url


def _store_env(url: str, pool_size: int = 5) -> dict[str, str]:
    return Database.from_url(url).eventsourcing_env(pool_size=pool_size)


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from osezia.migrations import current_revision, migrate_everything
    from osezia.tenants.application import Tenants

    url = _database_url(settings)
    schemas = migrate_everything(url)
    with Tenants(env=_store_env(url, 1)) as tenants:
        seeded = tenants.seed_defaults()
    print(f"database migrated to {current_revision(url)}; {len(schemas)} read-model schemas")
    if seeded:
        print("tenants registered: " + ", ".join(seeded))
    return 0


def _serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from osezia.graphql.app import create_app

    url = _database_url(settings)
    app = create_app(settings, url)
    print(f"osezia serves GraphQL on http://{settings.host}:{settings.port}/graphql")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


def _demo(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.demo import demo_loaded, load_demo
    from osezia.domain.platform import Platform

    url = _database_url(settings)
    platform = Platform(_store_env(url))
    try:
        if arguments.if_empty and demo_loaded(platform):
            print("the demo history is already there: nothing written")
            return 0
        counts = load_demo(platform)
    finally:
        platform.close()
    print("demo history written: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)


def _project(settings: Settings, _: argparse.Namespace) -> int:
    from osezia.tenants.application import Tenants
    from osezia.workers.projector import run_projections
    from osezia.workers.queue import RedisQueue

    url = _database_url(settings)

    async def main() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        queue = await RedisQueue.connect(settings.redis_url) if settings.redis_url else None
        with Tenants(env=_store_env(url, 2)) as tenants:
            try:
                await run_projections(url, tenants, stop, queue=queue)
            finally:
                if queue is not None:
                    await queue.close()

    print("osezia projects the event log into every tenant's read models", file=sys.stderr)
    asyncio.run(main())
    return 0


def _worker(settings: Settings, _: argparse.Namespace) -> int:
    from arq.worker import run_worker

    from osezia.workers.settings import WorkerSettings

    if settings.redis_url is None:
        print("osezia: `osezia worker` needs REDIS_URL", file=sys.stderr)
        return 2
    run_worker(WorkerSettings)  # type: ignore[arg-type]
    return 0


def _bar(done: int, total: int, rate: float | None) -> str:
    width = 30
    share = done / total if total else 1.0
    filled = int(width * min(share, 1.0))
    speed = f"{rate:,.0f} events/s" if rate else "…"
    eta = f", ETA {max(total - done, 0) / rate:,.0f}s" if rate else ""
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} events, {speed}{eta}"


def _rebuild(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.projections.connections import connect
    from osezia.projections.rebuild import Progress, rebuild
    from osezia.projections.targets import Targets
    from osezia.projections.versions import building_version, latest_version, request_cancel
    from osezia.tenants.application import Tenants
    from osezia.workers.queue import RedisQueue

    url = _database_url(settings)
    target: str = arguments.target

    def show(progress: Progress) -> None:
        print("\r" + _bar(progress.done, progress.total, progress.rate), end="", file=sys.stderr)

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
            with Tenants(env=_store_env(url, 1)) as tenants:
                try:
                    viewer = await Targets(tenants).viewer(target)
                except LookupError as error:
                    print(f"osezia: {error.args[0]}", file=sys.stderr)
                    return 2
            if settings.redis_url is None:
                outcome = await rebuild(url, viewer, on_progress=show)
                print(f"\n{target}: version {outcome.version} is {outcome.status}")
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
                    print(f"\n{target}: version {latest.version} is {latest.status}")
                    return 0
        finally:
            await conn.close()

    started = time.time()
    return asyncio.run(main())


def _tenants(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.errors import DomainError
    from osezia.tenants.application import Tenants
    from osezia.tenants.profiles import Profile

    url = _database_url(settings)
    with Tenants(env=_store_env(url, 1)) as tenants:
        try:
            if arguments.action == "add":
                model = Profile.from_data(tenants.get_tenant(arguments.like).profile)
                profile = Profile(
                    commands=model.commands,
                    sees_all=model.sees_all,
                    region=arguments.region,
                    roles=model.roles,
                )
                tenants.register_tenant(arguments.slug, name=arguments.name, profile=profile)
                print(
                    f"tenant {arguments.slug} registered; its read models build in `osezia project`"
                )
            elif arguments.action == "suspend":
                tenants.suspend_tenant(arguments.slug, reason=arguments.reason)
            elif arguments.action == "offboard":
                tenants.offboard_tenant(arguments.slug, reason=arguments.reason)
            for tenant in tenants.list_tenants():
                region = Profile.from_data(tenant.profile).region or "national"
                print(f"{tenant.slug:<16} {tenant.status:<11} {region:<9} {tenant.name}")
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="osezia", description="The « Osez l'IA » platform.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="migrate the database and register the plan's networks"
    ).set_defaults(run=_migrate)
    commands.add_parser("serve", help="serve the GraphQL API").set_defaults(run=_serve)
    commands.add_parser("project", help="keep every tenant's read models up to date").set_defaults(
        run=_project
    )
    commands.add_parser("worker", help="run an arq worker (needs REDIS_URL)").set_defaults(
        run=_worker
    )
    demo = commands.add_parser("demo", help="write a deterministic demo history")
    demo.add_argument("--if-empty", action="store_true", help="only when no company exists yet")
    demo.set_defaults(run=_demo)
    rebuild = commands.add_parser("rebuild", help="rebuild a tenant's read models from history")
    rebuild.add_argument("target", help="a tenant slug, or 'platform'")
    rebuild.add_argument("--cancel", action="store_true", help="cancel the running rebuild")
    rebuild.add_argument("--no-wait", action="store_true", help="queue it and return")
    rebuild.set_defaults(run=_rebuild)
    tenants = commands.add_parser("tenants", help="list, add, suspend or offboard tenants")
    tenant_actions = tenants.add_subparsers(dest="action", required=True)
    tenant_actions.add_parser("list")
    add = tenant_actions.add_parser("add")
    add.add_argument("slug")
    add.add_argument("--name", required=True)
    add.add_argument("--like", default="cci", help="copy this tenant's profile (default: cci)")
    add.add_argument("--region", help="restrict the new tenant to one region (INSEE code)")
    for action in ("suspend", "offboard"):
        sub = tenant_actions.add_parser(action)
        sub.add_argument("slug")
        sub.add_argument("--reason", required=True)
    tenants.set_defaults(run=_tenants)
    add_clients_parser(commands)
    add_keys_parser(commands)
    arguments = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"osezia: {error}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        try:
            return int(arguments.run(settings, arguments))
        except _UNREACHABLE as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            print(f"osezia: the database does not answer: {first_line}", file=sys.stderr)
            return 3
    return 130


if __name__ == "__main__":
    sys.exit(main())
