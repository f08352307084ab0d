"""`osezia serve`: the GraphQL API, its address printed once the read models answer."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import TYPE_CHECKING, Any

import psycopg

from osezia.cli.database import check_database, database_url
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    serve_ = commands.add_parser("serve", help="serve the GraphQL API")
    serve_.add_argument("--host", help="the address to listen on (default OSEZIA_HOST, 127.0.0.1)")
    serve_.add_argument(
        "--port", type=_port, help="the TCP port to listen on (default OSEZIA_PORT, 8000)"
    )
    serve_.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="API processes to run, e.g. one per core (default 1)",
    )
    serve_.set_defaults(run=serve)


def _port(value: str) -> int:
    """A TCP port, or argparse's one-line usage error."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1–65535)")
    return int(value)


def _workers(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of processes (1–{MAX_WORKERS})"
        )
    return int(value)


MAX_WORKERS = 64


def serve(settings: Settings, arguments: argparse.Namespace) -> int:
    import logging
    import warnings

    import uvicorn

    from osezia.projections.roles import role_url
    from osezia.store import keys_setup

    if arguments.workers > 1 and settings.redis_url is None:
        # Rate limits are counted in Redis, where every process sees them; without it each
        # process would count its own and the limits would be N times as loose.
        if settings.is_production:
            print(
                "osezia: serve --workers needs REDIS_URL in production: rate limits are "
                "counted where every process sees them",
                file=sys.stderr,
            )
            return 2
        print(
            f"REDIS_URL is not set: each of the {arguments.workers} processes counts its own "
            "rate limits",
            file=sys.stderr,
        )
    keys_setup.keys_url(settings)  # production: OSEZIA_KEYS_URL apart from the log, or exit 2
    url = database_url(settings)
    for kind, configured in settings.role_urls.items():
        try:
            check_database(role_url(url, kind, configured))
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
    if arguments.workers > 1:
        from osezia.cli.processes import serve_processes

        return serve_processes(settings, url, address, arguments.workers)
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
        # The lifespan's state (the services), which the server copies into every request's
        # scope: the in-process /readyz needs it as much as a real one.
        self._state: dict[str, Any] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan" and "state" in scope:
            self._state = scope["state"]
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
            await _get_in_process(self, "/readyz", self._state)
            await asyncio.sleep(0.2)


async def _get_in_process(app: Any, path: str, state: dict[str, Any]) -> tuple[int, bytes]:
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
        "state": dict(state),
        "headers": [],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    await app(scope, receive, send)
    return answer["status"], answer["body"]
