"""`osezia serve`: the GraphQL API, its address printed once the read models answer."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

import psycopg

from osezia.cli.database import check_database, database_url
from osezia.cli.serve_ready import Announcement, uvicorn_config
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
    # Seconds of imports: after the checks. authlib's warning on import is silenced there.
    from osezia.web.processes import create_app

    address = f"http://{settings.host}:{settings.port}/graphql"
    if arguments.workers > 1:
        from osezia.cli.processes import serve_processes

        return serve_processes(settings, url, address, arguments.workers)
    announcer = _Announcer(create_app(settings, url), Announcement(address))
    config = uvicorn_config(announcer, settings)
    server = uvicorn.Server(config)

    async def main() -> None:
        watching = asyncio.create_task(announcer.watch(server))
        try:
            await server.serve()
        finally:
            watching.cancel()

    # uvicorn's own loop (uvloop where installed), as server.run() and its processes use.
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(main())
    return 0 if server.started else 1


class _Announcer:
    """The application, with its address printed the first time /readyz answers that no
    target's read models are still being built, before that answer is sent: whoever sees the
    server ready (a person, a script, a probe) finds the address already printed.

    Until then it asks /readyz itself, in process (no request log), and prints which targets
    are still being built."""

    def __init__(self, app: Any, announcement: Announcement) -> None:
        self._app, self._announcement = app, announcement
        # The lifespan's state (the services), which the server copies into every request's
        # scope: the in-process /readyz needs it as much as a real one.
        self._state: dict[str, Any] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan" and "state" in scope:
            self._state = scope["state"]
        if self._announcement.done or scope["type"] != "http" or scope["path"] != "/readyz":
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
        self._announcement.observe(json.loads(body).get("building") if status == 200 else None)

    async def watch(self, server: Any) -> None:
        while not server.started:
            await asyncio.sleep(0.1)
        while not self._announcement.done:
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
