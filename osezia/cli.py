"""The `osezia` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from typing import TYPE_CHECKING, Any
from uuid import UUID

import eventsourcing.persistence
import psycopg
import sqlalchemy.exc

from osezia.domain.actors import Actor, acting, current_actor
from osezia.domain.decisions import Decision
from osezia.store.embedded import resolve_database_url
from osezia.store.settings import (
    CHECK_TIMEOUT,
    CONNECT_TIMEOUT,
    Database,
    Settings,
    SettingsError,
    load_settings,
    require_database_url,
)
from osezia.web.auth.cli import add_keys_parser
from osezia.web.auth.cli import add_parser as add_clients_parser

if TYPE_CHECKING:
    from osezia.tenants.model import Tenant

# Commands that run for as long as they are left to: what they append is their callers' doing.
_SERVICES = frozenset({"serve", "project", "worker"})

# What a database that is down or unreachable raises, through each of the drivers we use.
_UNREACHABLE = (
    OSError,
    psycopg.OperationalError,
    sqlalchemy.exc.OperationalError,
    eventsourcing.persistence.OperationalError,
)


def _database_url(settings: Settings) -> str:
    url = resolve_database_url(settings.database_url, production=settings.is_production)
    if settings.database_url is None:
        print(f"DATABASE_URL is not set: using the embedded PostgreSQL ({url})", file=sys.stderr)
    return url


def _check_database(url: str) -> None:
    """Connect once before a command starts its work: a database that is down or does not
    answer is then reported in seconds, not after a connection pool's 30 s wait."""
    with psycopg.connect(url, connect_timeout=CHECK_TIMEOUT):
        pass


def _unreachable(url: str | None, error: BaseException) -> str:
    """One line naming the database (never its password) and what went wrong."""
    text = str(error).strip()
    reason = text.splitlines()[0] if text else type(error).__name__
    if url is None:
        return f"osezia: the embedded PostgreSQL does not answer: {reason}"
    database = Database.from_url(url)
    where = f"{database.host}:{database.port}/{database.dbname}"
    return f"osezia: the database does not answer ({where}): {reason}"


def _cli_actor() -> Actor:
    """Who runs the command: the operating system's user, for the platform's operator. A
    process with no user name to give (a container's numeric user) is recorded as `system`."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "system"
    return Actor(user or "system", "operator", "cli")


def _store_env(url: str, pool_size: int = 5) -> dict[str, str]:
    return Database.from_url(url).eventsourcing_env(pool_size=pool_size)


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from osezia.projections.migrations import migrate_everything
    from osezia.store.migrations import current_revision
    from osezia.tenants.application import Tenants

    url = _database_url(settings)
    schemas = migrate_everything(url, logins=settings.role_urls)
    with Tenants(env=_store_env(url, 1)) as tenants:
        seeded = tenants.seed_defaults()
        granted = tenants.grant_new_commands()
    print(f"database migrated to {current_revision(url)}; {len(schemas)} read-model schemas")
    if seeded:
        print("tenants registered: " + ", ".join(seeded))
    for slug, commands in granted.items():
        print(f"{slug} was granted this release's new commands: {', '.join(commands)}")
    return 0


def _serve(settings: Settings, _: argparse.Namespace) -> int:
    import logging
    import warnings

    import uvicorn

    from osezia.projections.roles import role_url

    url = _database_url(settings)
    for kind, configured in settings.role_urls.items():
        try:
            _check_database(role_url(url, kind, configured))
        except psycopg.OperationalError as error:
            reason = str(error).strip().splitlines()[0]
            message = f"the API cannot log in as its {kind} role (`osezia migrate` creates it)"
            print(f"osezia: {message}: {reason}", file=sys.stderr)
            return 3
    with warnings.catch_warnings():
        # authlib 1.9 warns, on import, that it prefers the httpx2 fork; httpx works (pyproject
        # silences it in the tests the same way). Its module of warnings puts an "always"
        # filter first when imported: imported before, ours goes in front of it.
        import authlib.deprecate  # noqa: F401

        warnings.filterwarnings("ignore", message="The httpx module is deprecated")
        from osezia.web.app import create_app  # seconds of imports: after the checks

    address = f"http://{settings.host}:{settings.port}/graphql"
    announcer = _Announcer(create_app(settings, url), address)
    # uvicorn would otherwise take a client address from X-Forwarded-For sent by 127.0.0.1;
    # osezia reads that header itself, from OSEZIA_TRUSTED_PROXIES only (graphql/auth/peer.py).
    config = uvicorn.Config(
        announcer,
        host=settings.host,
        port=settings.port,
        log_level="info",
        proxy_headers=False,
        log_config=None,  # create_app configured logging: uvicorn's lines go through it
        access_log=False,  # the request line (observability.logs) replaces uvicorn's
    )
    server = uvicorn.Server(config)
    # After the Config, which sets uvicorn's loggers up.
    logging.getLogger("uvicorn.error").addFilter(_NotAnnouncedByUvicorn())

    async def main() -> None:
        watching = asyncio.create_task(announcer.watch(server))
        try:
            await server.serve()
        finally:
            watching.cancel()

    asyncio.run(main())
    return 0 if server.started else 1


class _NotAnnouncedByUvicorn:
    """Drops uvicorn's « Uvicorn running on … » line: the address is given once the read models
    answer (_Announcer), not while every query would still answer that they are being built."""

    def filter(self, record: object) -> bool:
        return not str(getattr(record, "msg", "")).startswith("Uvicorn running on")


class _Announcer:
    """The application, with its address printed the first time /readyz answers that no
    target's read models are still being built, before that answer is sent: whoever sees the
    server ready (a person, a script, a probe) finds the address already printed.

    Until then it asks /readyz itself, in process (no request log), and prints which targets
    are still being built."""

    def __init__(self, app: Any, address: str) -> None:
        self._app, self._address = app, address
        self._started = time.perf_counter()
        self._announced = False
        self._waiting: list[str] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._announced or scope["type"] != "http" or scope["path"] != "/readyz":
            await self._app(scope, receive, send)
            return
        status, body = 0, b""

        async def watched(message: Any) -> None:
            nonlocal status, body
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body += message.get("body", b"")
                if not message.get("more_body", False):
                    self._observe(status, body)
            await send(message)

        await self._app(scope, receive, watched)

    def _observe(self, status: int, body: bytes) -> None:
        building = json.loads(body).get("building") if status == 200 else None
        if building == [] and not self._announced:
            self._announced = True
            took = time.perf_counter() - self._started
            print(
                f"osezia serves GraphQL on {self._address} (ready in {took:.0f} s; Ctrl+C stops it)"
            )
            sys.stdout.flush()
        elif building and building != self._waiting and not self._announced:
            print(f"building the read models of {', '.join(building)}…", file=sys.stderr)
            self._waiting = building

    async def watch(self, server: Any) -> None:
        while not server.started:
            await asyncio.sleep(0.1)
        while not self._announced:
            await _get_in_process(self, "/readyz")
            await asyncio.sleep(0.2)


async def _get_in_process(app: Any, path: str) -> tuple[int, bytes]:
    """The status and body of a GET of `path`, asked of the ASGI application directly."""
    answer: dict[str, Any] = {"status": 0, "body": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    await app(scope, receive, send)
    return answer["status"], answer["body"]


def _at_least_one(value: str) -> int:
    """A whole number of at least 1, or argparse's one-line usage error."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def _demo(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.demo import build_demo, demo_loaded, log_holds_a_history, write_demo

    if settings.is_production:
        # Demo SIRENs are real-looking ones: in a production log they would stay for ever.
        print("osezia: the demo is never written in production (OSEZIA_ENV)", file=sys.stderr)
        return 2
    url = _database_url(settings)
    with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
        loaded, started_already = demo_loaded(conn), log_holds_a_history(conn)
    if loaded and arguments.if_empty:
        print("the demo history is already there: nothing written")
        return 0
    if started_already:
        message = "the log already holds a history: the demo loads only into a new database"
        if arguments.if_empty:
            print(f"{message}; nothing written")
            return 0
        print(f"osezia: {message}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print(f"building the demo history ({arguments.companies} companies)…", file=sys.stderr)
    history = build_demo(companies=arguments.companies)
    built = time.perf_counter()
    with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
        appended = write_demo(conn, history)
    written = time.perf_counter()
    counts = ", ".join(f"{n} {kind}" for kind, n in history.counts().items())
    print(
        f"demo history: {appended.written} events written, {appended.skipped} already there "
        f"(built in {built - started:.1f} s, written in {written - built:.1f} s): {counts}"
    )
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
                await run_projections(url, tenants, stop, queue=queue, probe=True)
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


def _bar(done: int, total: int, rate: float | None, unit: str = "events") -> str:
    width = 30
    share = min(done / total if total else 1.0, 1.0)
    filled = int(width * share)
    speed = f"{rate:,.0f} {unit}/s" if rate else "…"
    eta = f", ETA {max(total - done, 0) / rate:,.0f}s" if rate else ""
    bar = f"[{'#' * filled}{'.' * (width - filled)}]"
    percent = int(share * 100)  # rounded down: 100 % only once the work is done
    return f"{bar} {done:,}/{total:,} {unit} ({percent}%), {speed}{eta}"


# Erases the terminal's line, whatever was drawn on it before (a longer line leaves no tail).
_CLEAR_LINE = "\r\x1b[2K"


class _ProgressLine:
    """A progress bar on stderr. On a terminal it is redrawn in place and ends at 100 %; in a
    log or a pipe, where a carriage return makes one unreadable line, it prints a plain line
    each tenth of the way, and the last one at 100 %."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.terminal = sys.stderr.isatty()
        self.done, self.total = 0, 0
        self.rate: float | None = None
        self.printed_tenth = -1
        self.drawn = False  # on a terminal: a line is open, to end before the next output
        self.noted = ""

    def show(self, done: int, total: int, rate: float | None) -> None:
        self.done, self.total, self.rate = done, total, rate
        text = _bar(done, total, rate, self.unit)
        if self.terminal:
            print(_CLEAR_LINE + text, end="", file=sys.stderr, flush=True)
            self.drawn = True
            return
        tenth = min(done * 10 // total, 10) if total else 10
        if tenth > self.printed_tenth:
            self.printed_tenth = tenth
            print(text, file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        """A message in place of the bar, printed once however often it is repeated: the wait
        loop polls twice a second, and a log must not fill with the same line."""
        if text == self.noted:
            return
        self.noted = text
        if self.terminal:
            print(_CLEAR_LINE + text, end="", file=sys.stderr, flush=True)
            self.drawn = True
        else:
            print(text, file=sys.stderr, flush=True)

    def finish(self, *, complete: bool = True) -> None:
        """The work is over: the bar says 100 % when it was all done (a cancelled rebuild
        stays where it stopped) and the line ends, ready for the next one."""
        if complete:
            total = max(self.total, self.done)
            self.show(total, total, self.rate)
        if self.terminal and self.drawn:
            print(file=sys.stderr, flush=True)


def _rebuild(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.projections.connections import connect
    from osezia.projections.rebuild import Progress, rebuild
    from osezia.projections.targets import Targets
    from osezia.projections.versions import building_version, latest_version, request_cancel
    from osezia.tenants.application import Tenants
    from osezia.workers.queue import RedisQueue

    url = _database_url(settings)
    target: str = arguments.target

    line = _ProgressLine("events")

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
            with Tenants(env=_store_env(url, 1)) as tenants:
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
            rows = [_tenant_row(tenant) for tenant in tenants.list_tenants()]
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    if getattr(arguments, "json", False):
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"{row['slug']:<16} {row['status']:<11} {row['region']:<9} {row['name']}")
    return 0


def _tenant_row(tenant: Tenant) -> dict[str, str]:
    """A tenant as `osezia tenants list` shows it, a network with no region being national."""
    from osezia.tenants.profiles import Profile

    return {
        "slug": tenant.slug,
        "status": str(tenant.status),
        "region": Profile.from_data(tenant.profile).region or "national",
        "name": tenant.name,
    }


def _count_lines(path: str) -> int:
    count = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _import_trainings(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.academie.trainings_file import BadFile
    from osezia.domain.academie.trainings_import import Summary, import_trainings
    from osezia.domain.errors import DomainError
    from osezia.tenants.application import Tenants
    from osezia.tenants.model import TenantStatus
    from osezia.tenants.profiles import Profile

    url = _database_url(settings)
    slug: str = arguments.tenant
    with Tenants(env=_store_env(url, 1)) as tenants:
        try:
            tenant = tenants.get_tenant(slug)
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    if tenant.status is not TenantStatus.ACTIVE:
        print(f"osezia: tenant {slug} is {tenant.status}: it imports nothing", file=sys.stderr)
        return 2
    if "import_trainings" not in Profile.from_data(tenant.profile).commands:
        print(f"osezia: FORBIDDEN: tenant {slug} may not import trainings", file=sys.stderr)
        return 2
    try:
        total = max(_count_lines(arguments.file) - 1, 0)
    except OSError as error:
        print(f"osezia: cannot read {arguments.file}: {error.strerror}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def problem(line: int, reason: str) -> None:
        print(f"line {line}: {reason}")

    line = _ProgressLine("rows")

    def progress(summary: Summary) -> None:
        elapsed = time.perf_counter() - started
        rate = summary.rows_read / elapsed if elapsed > 0 else None
        line.show(summary.rows_read, total, rate)

    with (
        open(arguments.file, encoding="utf-8-sig", newline="") as file,
        psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn,
        acting(replace(current_actor(), via=slug)),  # the operator records them for the network
    ):
        try:
            summary = import_trainings(conn, slug, file, on_problem=problem, on_progress=progress)
        except (BadFile, UnicodeDecodeError) as error:
            print(f"\nosezia: {arguments.file}: {error}", file=sys.stderr)
            return 2
    elapsed = time.perf_counter() - started
    line.finish()
    print(f"{summary} in {elapsed:,.1f}s")
    return 1 if summary.rejected else 0


def _decisions(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.decisions import decisions_of
    from osezia.tenants.application import Tenants

    try:
        record_id = UUID(arguments.id)
    except ValueError:
        print(f"osezia: NOT_FOUND: no record with id {arguments.id}", file=sys.stderr)
        return 2
    with Tenants(env=_store_env(_database_url(settings), 1)) as log:
        decisions = decisions_of(log, record_id)
    if not decisions:
        print(f"osezia: NOT_FOUND: no record with id {record_id}", file=sys.stderr)
        return 2
    if arguments.tenant is not None:
        decisions = [d for d in decisions if d.via == arguments.tenant]
    if arguments.json:
        rows = [_decision_row(d) for d in decisions]
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
        return 0
    for d in decisions:
        by = f"{d.actor.kind}:{d.actor.id}" if d.actor else "(actor not recorded)"
        details = " ".join(f"{k}={v}" for k, v in d.details.items())
        when, network = d.recorded_at.isoformat(), d.via or "-"
        print(f"{when}  v{d.version:<3} {d.event}  via {network}  by {by}  {details}")
    return 0


def _decision_row(decision: Decision) -> dict[str, Any]:
    actor = decision.actor
    return {
        "record_id": str(decision.record_id),
        "version": decision.version,
        "recorded_at": decision.recorded_at.isoformat(),
        "event": decision.event,
        "network": decision.via,
        "actor": actor.id if actor else None,
        "kind": actor.kind if actor else None,
        "details": decision.details,
    }


def build_parser() -> argparse.ArgumentParser:
    """The `osezia` command's arguments: every command and subcommand has its --help."""
    parser = argparse.ArgumentParser(prog="osezia", description="The « Osez l'IA » platform.")
    parser.add_argument("--version", action="version", version=f"osezia {version('osezia')}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="migrate the database and register the plan's networks"
    ).set_defaults(run=_migrate)
    serve = commands.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--host", help="the address to listen on (default OSEZIA_HOST, 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, help="the TCP port to listen on (default OSEZIA_PORT, 8000)"
    )
    serve.set_defaults(run=_serve)
    commands.add_parser("project", help="keep every tenant's read models up to date").set_defaults(
        run=_project
    )
    commands.add_parser("worker", help="run an arq worker (needs REDIS_URL)").set_defaults(
        run=_worker
    )
    demo = commands.add_parser("demo", help="write a deterministic demo history")
    demo.add_argument(
        "--if-empty", action="store_true", help="skip quietly when the log is not new (make run)"
    )
    demo.add_argument(
        "--companies",
        type=_at_least_one,
        default=5_000,  # osezia.demo.DEFAULT_COMPANIES, not imported: --help stays quick
        help="companies (default 5000; 20000 for the plan's full size, a first run of ~40 s)",
    )
    demo.set_defaults(run=_demo)
    rebuild = commands.add_parser("rebuild", help="rebuild a tenant's read models from history")
    rebuild.add_argument("target", help="a tenant slug, or 'platform'")
    rebuild.add_argument("--cancel", action="store_true", help="cancel the running rebuild")
    rebuild.add_argument("--no-wait", action="store_true", help="queue it and return")
    rebuild.set_defaults(run=_rebuild)
    tenants = commands.add_parser("tenants", help="list, add, suspend or offboard tenants")
    tenant_actions = tenants.add_subparsers(dest="action", required=True)
    listing = tenant_actions.add_parser("list", help="the tenants, their status and region")
    listing.add_argument("--json", action="store_true", help="print them as a JSON list")
    add = tenant_actions.add_parser("add", help="register a network as a new tenant")
    add.add_argument("slug", help="the new tenant's slug")
    add.add_argument("--name", required=True, help="the network's name, as people read it")
    add.add_argument("--like", default="cci", help="copy this tenant's profile (default: cci)")
    add.add_argument("--region", help="restrict the new tenant to one region (INSEE code)")
    for action, does in (
        ("suspend", "suspend a tenant: its clients and people stop acting for now"),
        ("offboard", "offboard a tenant for good: its read models are dropped"),
    ):
        sub = tenant_actions.add_parser(action, help=does)
        sub.add_argument("slug", help="the tenant's slug")
        sub.add_argument("--reason", required=True, help="why, kept in the tenant's history")
    tenants.set_defaults(run=_tenants)
    imports = commands.add_parser("import", help="import records from a file")
    import_kinds = imports.add_subparsers(dest="kind", required=True)
    trainings = import_kinds.add_parser(
        "trainings",
        help="import the Académie de l'IA's enrolments and completions from a CSV file",
        description=(
            "Import enrolments and completions from a UTF-8 CSV file whose header names at "
            "least the columns learner_ref,audience,training_code,training_title,region,siren,"
            "enrolled_on,completed_on (any order; other columns are ignored). audience is "
            "EMPLOYEE, LEADER, APPRENTICE or JOB_SEEKER (or salarié, dirigeant, apprenti, "
            "demandeur d'emploi); region an INSEE region code; siren and completed_on may be "
            "empty; dates are YYYY-MM-DD. Bad rows are listed with their line number and "
            "reason and are not imported; a row already imported adds nothing. Exit status: "
            "0 when every row was good, 1 when some were rejected, 2 when the file or the "
            "tenant cannot be used, 3 when the database does not answer."
        ),
    )
    trainings.add_argument("file", help="the CSV file")
    trainings.add_argument(
        "--tenant", default="operator", help="the network recording them (default: operator)"
    )
    trainings.set_defaults(run=_import_trainings)
    decisions = commands.add_parser(
        "decisions",
        help="list the decisions behind a record: its events, when, by whom, through which network",
        description=(
            "Every event of the record with this id (a budget, a loan, a diagnostic, a company…), "
            "oldest first: when it was recorded, what it decided, through which network and by "
            "whom (a client id, an identity provider's subject, an operator's user name). Exit "
            "status 2 when the log holds no record with that id."
        ),
    )
    decisions.add_argument("id", help="the record's id")
    decisions.add_argument("--tenant", help="only the decisions made through this network")
    decisions.add_argument("--json", action="store_true", help="print them as a JSON list")
    decisions.set_defaults(run=_decisions)
    add_clients_parser(commands)
    add_keys_parser(commands)
    return parser


def _port(value: str) -> int:
    """A TCP port, or argparse's one-line usage error."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1–65535)")
    return int(value)


def _environment(arguments: argparse.Namespace) -> dict[str, str]:
    """The environment, with `serve --host/--port` in place of OSEZIA_HOST and OSEZIA_PORT, so
    that the settings derived from them (the default public URL) follow."""
    env = dict(os.environ)
    if getattr(arguments, "host", None) is not None:
        env["OSEZIA_HOST"] = arguments.host
    if getattr(arguments, "port", None) is not None:
        env["OSEZIA_PORT"] = str(arguments.port)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        settings = load_settings(_environment(arguments))
        require_database_url(settings)
    except SettingsError as error:
        print(f"osezia: {error}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        try:
            if settings.database_url is not None:
                _check_database(settings.database_url)
            if arguments.command in _SERVICES:
                return int(arguments.run(settings, arguments))
            with acting(_cli_actor()):
                return int(arguments.run(settings, arguments))
        except _UNREACHABLE as error:
            print(_unreachable(settings.database_url, error), file=sys.stderr)
            return 3
        except SettingsError as error:  # found once running: no embedded PostgreSQL installed
            print(f"osezia: {error}", file=sys.stderr)
            return 2
    return 130


if __name__ == "__main__":
    sys.exit(main())
