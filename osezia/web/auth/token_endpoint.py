"""POST /oauth/token for Starlette: the form is read and checked here, on the event loop; the
authlib server (`server.TokenServer`) answers on the token executor's threads."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import asyncpg
from starlette.requests import Request
from starlette.responses import Response

from osezia.store.settings import Settings
from osezia.tenants.clients.application import Clients
from osezia.web.auth.errors import TokenRequestError
from osezia.web.auth.executor import TokenExecutor
from osezia.web.auth.server import TokenServer
from osezia.web.auth.standing import Standing

MAX_BODY = 16_384  # bytes of a token request's form, at most


class TokenEndpoint:
    """The Starlette side of the token endpoint."""

    def __init__(
        self,
        settings: Settings,
        clients: Clients,
        standing: Standing,
        pool: asyncpg.Pool,
        executor: TokenExecutor,
    ) -> None:
        self._settings, self._clients, self._standing = settings, clients, standing
        self._pool, self._executor = pool, executor
        self._server: TokenServer | None = None

    async def respond(self, request: Request) -> Response:
        try:
            form = await read_form(request)
            return await self._executor.run(self._token_server().respond, form, request.headers)
        except TokenRequestError as error:
            return error.response()

    def _token_server(self) -> TokenServer:
        # Built in the server's event loop, the one its threads ask for database work.
        if self._server is None:
            loop = asyncio.get_running_loop()
            self._server = TokenServer(
                self._settings, self._clients, self._standing, self._pool, loop
            )
        return self._server


async def read_form(request: Request) -> dict[str, str]:
    """The form of a token request: url-encoded, 16 KiB at most, each parameter once."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise TokenRequestError(
            "invalid_request", "send the parameters as application/x-www-form-urlencoded"
        )
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise TokenRequestError("invalid_request", "the token request is too large")
    try:
        pairs = parse_qsl(body.decode(), max_num_fields=16)
    except ValueError:  # not UTF-8, or too many fields
        raise TokenRequestError("invalid_request", "the form cannot be read") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:  # RFC 6749 §3.2
            raise TokenRequestError("invalid_request", f"{name} is given more than once")
        form[name] = value
    return form
