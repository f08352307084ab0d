"""Logs an operator can read: one JSON object a line in production, plain text at a terminal.

Every line carries the time, the level, the logger and the message, and, while a request is
being answered, its request id and what the API learnt of it: the tenant, the client, the
operation, and the id of an unexpected error. The projector and the workers call
`configure_logging` too, so that all of osezia's processes write the same lines; their own
fields go in `extra=` (`log.info("rebuild done", extra={"target": "cci", "events": 120})`).

A request's id is the `X-Request-ID` it was sent with, when that is a short token of safe
characters (a load balancer's or a client's correlation id), or one made here; the response
echoes it, so a client can quote it to the operator.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osezia.store.settings import Settings, use_application_name

REQUEST_ID_HEADER = "x-request-id"
# Long enough for a UUID, a W3C trace id or a load balancer's id; nothing that could forge a
# second field or line in a text log.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}")
# Probed every few seconds by a load balancer or Prometheus: their lines are for debugging.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


@dataclass
class RequestLog:
    """What is known of the request being answered; each line logged while answering it
    carries these fields, and the request's own line at its end sums them up."""

    request_id: str
    tenant: str | None = None
    client_id: str | None = None
    operation: str | None = None
    outcome: str | None = None
    error_id: str | None = None
    started: float = field(default_factory=time.perf_counter)


# A request's RequestLog is a mutable object, not one variable per field: what a resolver or
# an error handler notes deep inside the request is then seen by the request's own line.
_current: contextvars.ContextVar[RequestLog | None] = contextvars.ContextVar(
    "osezia_request_log", default=None
)


def current() -> RequestLog | None:
    return _current.get()


def note(
    *,
    tenant: str | None = None,
    client_id: str | None = None,
    operation: str | None = None,
    outcome: str | None = None,
    error_id: str | None = None,
) -> None:
    """Add what is now known to the current request's log (nothing outside a request)."""
    found = _current.get()
    if found is None:
        return
    for name, value in (
        ("tenant", tenant),
        ("client_id", client_id),
        ("operation", operation),
        ("outcome", outcome),
        ("error_id", error_id),
    ):
        if value is not None:
            setattr(found, name, value)


@contextmanager
def request_context(request_id: str) -> Iterator[RequestLog]:
    """Every line logged in this block (and in the tasks it starts) carries the request's id."""
    found = RequestLog(request_id)
    token = _current.set(found)
    try:
        yield found
    finally:
        _current.reset(token)


# A new request's id: 64 random bits drawn once a process, then its number in the process (32
# hex digits, as a UUID's): unique across processes and restarts, and no system call a request.
_ID_PREFIX = os.urandom(8).hex()
_ID_NUMBERS = itertools.count()


def _draw_id_prefix() -> None:
    global _ID_PREFIX
    _ID_PREFIX = os.urandom(8).hex()


os.register_at_fork(after_in_child=_draw_id_prefix)  # a forked process draws its own


def request_id(given: str | bytes | None) -> str:
    """The id a request was sent with, if it is one we may write in a log; else a new one."""
    if isinstance(given, bytes):
        given = given.decode("latin-1")
    if given is not None and _REQUEST_ID.fullmatch(given):
        return given
    return f"{_ID_PREFIX}{next(_ID_NUMBERS):016x}"


# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_CONTEXT_FIELDS = ("request_id", "tenant", "client_id", "operation", "error_id")


class _Stamp(logging.Filter):
    """Copies the current request's fields onto each record (a field given in `extra=` wins),
    and the process's role."""

    def __init__(self, process: str) -> None:
        super().__init__()
        self._process = process

    def filter(self, record: logging.LogRecord) -> bool:
        given = record.__dict__
        found = _current.get()
        if found is not None:
            for name in _CONTEXT_FIELDS:
                value = getattr(found, name)
                if value is not None and name not in given:
                    given[name] = value
        if "process_role" not in given:
            given["process_role"] = self._process
        return True


# Not fields: our own, and the copy of the message uvicorn colours for a terminal.
_NOT_FIELDS = _STANDARD | {"process_role", "color_message"}


# A LogRecord's __init__ sets these first, always in the same order; extras come after them.
_INITIAL = len(logging.LogRecord("", 0, "", 0, "", None, None).__dict__)


def _extra(record: logging.LogRecord) -> dict[str, object]:
    items = iter(record.__dict__.items())
    if type(record) is logging.LogRecord:
        items = itertools.islice(items, _INITIAL, None)  # the standard ones, skipped at once
    return {k: v for k, v in items if k not in _NOT_FIELDS}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, process, the
    request's fields and the record's extras; a traceback as one string under `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        role = getattr(record, "process_role", None)
        if role is not None:
            line["process"] = role
        line.update(_extra(record))
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    """For a person at a terminal: the usual line, then the request's fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = _extra(record)
        if not extras:
            return text
        head, newline, rest = text.partition("\n")  # keep a traceback below the fields
        pairs = " ".join(f"{k}={_plain(v)}" for k, v in extras.items())
        return f"{head} [{pairs}]{newline}{rest}"


def _plain(value: object) -> str:
    text = str(value)
    return text if text.isprintable() and " " not in text else repr(text)


class _Stderr(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a line is logged (pytest swaps it per test)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


_OURS = "_osezia_handler"


def configure_logging(settings: Settings, process: str = "cli") -> None:
    """Logs of this process (`serve`, `project`, `worker`, `cli`) on stderr, in
    `settings.log_format`; its database connections carry `osezia-<process>` as their
    application_name. Safe to call again: the handler installed before is replaced."""
    use_application_name(f"osezia-{process}")
    _lean_records()
    handler = _Stderr()
    setattr(handler, _OURS, True)
    handler.addFilter(_Stamp(process))
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if process != "cli":
        # Each read model's migrations, a dozen lines a tenant at every rebuild: the
        # rebuild's own lines say what was built; `osezia migrate` keeps them.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    pool = logging.getLogger("asyncpg.pool")
    for retry in [f for f in pool.filters if isinstance(f, _OneLineOutage)]:
        pool.removeFilter(retry)
    pool.addFilter(_OneLineOutage())
    route_uvicorn()


def _lean_records() -> None:
    """What no line of ours prints is not gathered for each record (the logging HOWTO's
    "Optimization"): the caller's file, function and line, found by walking the stack, and the
    thread's and process's ids and names. With them, and the request's fields copied one by one
    through hasattr/setattr, a request's line cost 15.5 µs; 10 without."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


class _OneLineOutage(logging.Filter):
    """asyncpg's pool retries its floor of connections every second or two while the database
    is down, each time with a traceback: the reason on one line says all of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def route_uvicorn() -> None:
    """uvicorn's loggers through ours: uvicorn.run installs its own handlers when it starts,
    after the application was built, so the API calls this again once it runs. Its access
    lines are left out: each request has its own line (LogRequests), with its duration."""
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


Caller = Callable[[Scope], tuple[str | None, str | None]]

log = logging.getLogger("osezia.http")


class LogRequests:
    """ASGI middleware: a request id for every request and websocket (echoed in the response's
    X-Request-ID), and one line for each at its end: method, path, status, duration, and the
    tenant, client and operation as the application noted them (`caller` reads the tenant and
    client id the application authenticated, from the scope). An exception no one handled is
    logged there, once, with its traceback and an error id, and answered 500 with that id."""

    def __init__(self, app: ASGIApp, caller: Caller | None = None) -> None:
        self._app, self._caller = app, caller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self._app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(REQUEST_ID_HEADER.encode())
        with request_context(request_id(given)) as found:
            status: int | None = None

            async def echoing_send(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    headers = [*message.get("headers", ())]
                    headers.append((REQUEST_ID_HEADER.encode(), found.request_id.encode()))
                    message = {**message, "headers": headers}
                await send(message)

            failure: Exception | None = None
            try:
                await self._app(scope, receive, echoing_send)
            except Exception as error:  # logged and answered below
                failure = error
            if failure is not None:
                found.error_id = os.urandom(6).hex()
                log.error("unexpected error %s", found.error_id, exc_info=failure)
                if status is None and scope["type"] == "http":
                    await _internal_error(found, echoing_send)
            self._log(scope, found, 500 if failure is not None and status is None else status)

    def _log(self, scope: Scope, found: RequestLog, status: int | None) -> None:
        if self._caller is not None and found.tenant is None:
            found.tenant, caller = self._caller(scope)
            found.client_id = found.client_id or caller
        path = scope.get("path", "")
        seconds = time.perf_counter() - found.started
        level = logging.INFO
        if path in QUIET_PATHS:
            # A probe's answer, 503 included (not ready yet, database down), is the prober's
            # to act on: its line would repeat every few seconds.
            level = logging.DEBUG
        elif status is not None and status >= 500:
            level = logging.ERROR
        method = scope.get("method", "WEBSOCKET")
        fields: dict[str, object] = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
        }
        if found.outcome is not None:
            fields["outcome"] = found.outcome
        said = "closed" if status is None and method == "WEBSOCKET" else status
        log.log(level, "%s %s %s", method, path, said, extra=fields)


async def _internal_error(found: RequestLog, send: Send) -> None:
    body = {
        "errors": [
            {
                "message": f"Unexpected error (id {found.error_id}); the operator can look it up.",
                "extensions": {
                    "code": "INTERNAL_ERROR",
                    "errorId": found.error_id,
                    "requestId": found.request_id,
                },
            }
        ]
    }
    content = orjson.dumps(body)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(content))]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": content})
