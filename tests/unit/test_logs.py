"""Log lines as an operator reads them: JSON with the request's fields, a request id taken or
made and echoed, expected errors unlogged, unexpected ones once with a traceback and an id.
Without a database."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message
from starlette.websockets import WebSocket

from osezia.domain.errors import DomainError
from osezia.graphql.errors_extension import LoggingSchema, PresentErrors
from osezia.observability.logs import (
    LogRequests,
    configure_logging,
    note,
    request_context,
    request_id,
)
from osezia.store.settings import application_name, load_settings, use_application_name


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    alembic = logging.getLogger("alembic")
    handlers, level, name = root.handlers[:], root.level, application_name()
    alembic_level = alembic.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    alembic.setLevel(alembic_level)
    use_application_name(name)


def json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The lines osezia logged (the test's own HTTP client logs its requests too)."""
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    return [line for line in lines if line["logger"] != "httpx"]


def in_json(process: str = "serve") -> None:
    configure_logging(load_settings({"OSEZIA_LOG_FORMAT": "json"}), process)


def test_a_line_is_one_json_object_with_the_request_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    in_json()
    with request_context("req-1"):
        note(tenant="cci", client_id="c-42", operation="Dashboard")
        logging.getLogger("osezia.test").warning("rebuild %s", "done", extra={"events": 12})

    (line,) = json_lines(capsys)
    assert line["level"] == "WARNING"
    assert line["logger"] == "osezia.test"
    assert line["message"] == "rebuild done"
    assert line["time"].endswith("+00:00")
    assert line["process"] == "serve"
    assert (line["request_id"], line["tenant"], line["client_id"]) == ("req-1", "cci", "c-42")
    assert line["operation"] == "Dashboard"
    assert line["events"] == 12


def test_a_traceback_stays_inside_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    in_json()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("osezia.test").exception("failed")

    (line,) = json_lines(capsys)
    assert "Traceback" in line["exception"]
    assert "RuntimeError: boom" in line["exception"]


def test_the_pools_retries_during_an_outage_are_one_line_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    in_json()
    try:
        raise ConnectionRefusedError(111, "Connect call failed")
    except ConnectionRefusedError:
        logging.getLogger("asyncpg.pool").warning(
            "Failed to restore the pool connection floor; retrying", exc_info=True
        )

    (line,) = json_lines(capsys)
    assert "exception" not in line
    assert line["message"] == (
        "Failed to restore the pool connection floor; retrying: "
        "ConnectionRefusedError: [Errno 111] Connect call failed"
    )


def test_outside_a_request_a_line_has_no_request_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    in_json("worker")
    logging.getLogger("osezia.test").info("started")

    (line,) = json_lines(capsys)
    assert "request_id" not in line
    assert line["process"] == "worker"


def test_text_lines_carry_the_fields_as_key_value(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(load_settings({"OSEZIA_LOG_FORMAT": "text"}), "project")
    with request_context("req-2"):
        note(tenant="bpifrance")
        logging.getLogger("osezia.test").info("caught up")

    text = capsys.readouterr().err
    assert "INFO osezia.test: caught up [request_id=req-2 tenant=bpifrance]" in text


def test_configuring_twice_leaves_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    in_json()
    in_json()
    logging.getLogger("osezia.test").info("once")

    assert len(json_lines(capsys)) == 1


def test_the_process_names_its_database_connections() -> None:
    in_json("project")

    assert application_name() == "osezia-project"


@pytest.mark.parametrize(
    "given",
    ["4bf92f3577b34da6a3ce929d0e0e4736", "lb-1:req/42+x=", "a" * 128],
)
def test_a_request_id_of_safe_characters_is_kept(given: str) -> None:
    assert request_id(given) == given


@pytest.mark.parametrize("given", [None, "", "a b", 'x" y', "a\u00e9", "a" * 129, "-x"])
def test_another_request_id_is_replaced_by_a_new_one(given: str | None) -> None:
    made = request_id(given)

    assert made != given
    assert len(made) == 32
    assert made != request_id(given)


def app_with(route: Route) -> Starlette:
    return Starlette(routes=[route], middleware=[Middleware(LogRequests)])


def get(app: Starlette, path: str, **headers: str) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://osezia") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(run())


def test_each_request_has_one_line_and_echoes_its_id(capsys: pytest.CaptureFixture[str]) -> None:
    async def hello(_: Request) -> Response:
        note(tenant="cci", operation="Hello")
        logging.getLogger("osezia.test").info("inside")
        return PlainTextResponse("hi")

    in_json()
    response = get(app_with(Route("/hello", hello)), "/hello", **{"X-Request-ID": "abc-1"})

    assert response.headers["x-request-id"] == "abc-1"
    inside, request = json_lines(capsys)
    assert inside["request_id"] == request["request_id"] == "abc-1"
    assert request["logger"] == "osezia.http"
    assert (request["method"], request["path"], request["status"]) == ("GET", "/hello", 200)
    assert (request["tenant"], request["operation"]) == ("cci", "Hello")
    assert request["duration_ms"] >= 0


def test_a_request_without_an_id_is_given_one(capsys: pytest.CaptureFixture[str]) -> None:
    async def hello(_: Request) -> Response:
        return PlainTextResponse("hi")

    in_json()
    response = get(app_with(Route("/hello", hello)), "/hello", **{"X-Request-ID": "a b"})

    (line,) = json_lines(capsys)
    assert response.headers["x-request-id"] == line["request_id"] != "a b"


def test_an_unhandled_exception_is_logged_once_and_answered_with_its_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def broken(_: Request) -> Response:
        raise RuntimeError("a bug")

    in_json()
    response = get(app_with(Route("/broken", broken)), "/broken")

    assert response.status_code == 500
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    logged, request = json_lines(capsys)
    assert logged["error_id"] == request["error_id"] == error["extensions"]["errorId"]
    assert logged["request_id"] == error["extensions"]["requestId"]
    assert "RuntimeError: a bug" in logged["exception"]
    assert "exception" not in request
    assert request["status"] == 500


def test_a_websocket_has_its_line_when_it_closes(capsys: pytest.CaptureFixture[str]) -> None:
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(await websocket.receive_text())
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws", echo)], middleware=[Middleware(LogRequests)])
    scope = {
        "type": "websocket",
        "path": "/ws",
        "headers": [(b"x-request-id", b"ws-1")],
        "query_string": b"",
        "subprotocols": [],
    }
    incoming: list[Message] = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": "hi"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: Message) -> None:
        sent.append(message)

    in_json()
    asyncio.run(app(scope, receive, send))

    assert {"type": "websocket.send", "text": "hi"} in sent
    (line,) = json_lines(capsys)
    assert line["message"] == "WEBSOCKET /ws closed"
    assert line["request_id"] == "ws-1"


class Refused(DomainError):
    code = "REFUSED"


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> int:
        raise RuntimeError("a bug in a resolver")

    @strawberry.field
    def refused(self) -> int:
        raise Refused("not for you")


def execute(document: str) -> dict[str, Any]:
    schema = LoggingSchema(Query, extensions=[PresentErrors])

    async def run() -> dict[str, Any]:
        with request_context("req-gql"):
            result = await schema.execute(document)
        assert result.errors
        return dict(result.errors[0].formatted)

    return asyncio.run(run())


def test_an_unexpected_error_is_logged_once_with_its_traceback_and_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    in_json()
    error = execute("{ broken }")

    (line,) = json_lines(capsys)
    assert error["extensions"] == {
        "code": "INTERNAL_ERROR",
        "errorId": line["error_id"],
        "requestId": "req-gql",
    }
    assert line["level"] == "ERROR"
    assert "RuntimeError: a bug in a resolver" in line["exception"]


@pytest.mark.parametrize("document", ["{ refused }", "{ nothing }", "{ broken(x: 1) }", "{"])
def test_expected_errors_are_the_clients_and_are_not_logged(
    document: str, capsys: pytest.CaptureFixture[str]
) -> None:
    in_json()
    execute(document)

    assert json_lines(capsys) == []


def test_new_request_ids_differ_in_a_process_and_from_a_forked_ones() -> None:
    ids = {request_id(None) for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child writes one id of its own and leaves at once
        os.write(write, request_id(None).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    forked = os.read(read, 64).decode()
    os.close(read)
    assert len(forked) == 32
    assert forked[:16] != request_id(None)[:16]
