"""The API's authorization server and resource-server checks, built once per process."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import asyncpg
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from osezia.graphql.principal import Principal
from osezia.store.settings import Settings
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.profiles import Profile
from osezia.web.auth.bearer import Authenticator
from osezia.web.auth.executor import TokenExecutor
from osezia.web.auth.keys import VerificationKeys, current_signing_key, jwks
from osezia.web.auth.oidc import RemoteKeySet
from osezia.web.auth.sockets import OpenSockets
from osezia.web.auth.standing import Standing
from osezia.web.auth.token_endpoint import TokenEndpoint


class Authority:
    """Issues access tokens (/oauth/token), publishes their keys (/.well-known/jwks.json), and
    turns each request's credentials into a Principal or an InvalidToken (a 401)."""

    def __init__(
        self,
        settings: Settings,
        pool: asyncpg.Pool,
        clients: Clients,
        tenants: Tenants,
        *,
        provider_keys: RemoteKeySet | None = None,
    ) -> None:
        self._settings, self._pool, self._clients = settings, pool, clients
        self._standing = Standing(clients, tenants)
        self.sockets = OpenSockets(pool, self._standing)  # closed when their caller's standing ends
        if provider_keys is None and settings.oidc is not None:
            provider_keys = RemoteKeySet(settings.oidc.jwks_url)
        self._provider_keys = provider_keys
        self._authenticator = Authenticator(
            settings, VerificationKeys(pool), self._standing, provider_keys
        )
        # Its own threads: secret hashing must not queue ahead of commands (see executor).
        self._executor = TokenExecutor()
        self._token_endpoint = TokenEndpoint(
            settings, clients, self._standing, pool, self._executor
        )

    async def start(self) -> None:
        """Make sure a signing key exists, so the JWKS is never empty."""
        # Before `osezia migrate` there is no table yet: the server still starts, and /readyz
        # says what to run.
        async with self._pool.acquire() as conn:
            with contextlib.suppress(asyncpg.UndefinedTableError):
                await current_signing_key(conn)

    async def close(self) -> None:
        self._executor.close()
        await self.sockets.close()
        if self._provider_keys is not None:
            await self._provider_keys.close()

    async def token(self, request: Request) -> Response:
        return await self._token_endpoint.respond(request)

    async def jwks(self, _: Request) -> Response:
        async with self._pool.acquire() as conn:
            document = await jwks(conn)
        # Short enough that a verifier elsewhere sees a new key soon after a rotation.
        return JSONResponse(document, headers={"Cache-Control": "public, max-age=60"})

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        return await self._authenticator.authenticate(headers)

    async def profile(self, tenant: str) -> Profile:
        """What the caller's network may do (empty if it was suspended a moment ago)."""
        profile = await self._standing.tenant_profile(tenant)
        return profile if profile is not None else Profile(commands=frozenset())
