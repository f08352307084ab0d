"""The Starlette application: GraphQL, health and readiness, OAuth token endpoint and JWKS.

Without REDIS_URL (the embedded setup of `make run`), the projection process runs inside the
server as a background task, so one command serves a complete, live platform.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from osezia.config import Database, Settings
from osezia.domain.platform import Platform
from osezia.graphql.auth.authority import Authority
from osezia.graphql.auth.errors import InvalidToken
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.migrations import current_revision, head_revision
from osezia.projections.connections import create_pool
from osezia.projections.versions import live_versions
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.model import TenantStatus
from osezia.tenants.visibility import PLATFORM
from osezia.workers.projector import run_projections


@dataclass
class Services:
    platform: Platform
    tenants: Tenants
    pool: asyncpg.Pool
    auth: Authority


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, services: list[Services], graphiql: bool) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self._services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Every GraphQL request is authenticated before strawberry sees it, except the GraphiQL
        # page itself (the IDE then sends its queries with a token like any client).
        if scope["type"] in {"http", "websocket"}:
            request = Request(scope)
            if scope["type"] == "http" and self._is_ide_page(request):
                await (await self.render_graphql_ide(request))(scope, receive, send)
                return
            try:
                request.state.principal = await self._services[0].auth.authenticate(request.headers)
            except InvalidToken as refusal:
                if scope["type"] == "websocket":  # closing before accepting answers 403
                    await send({"type": "websocket.close", "code": 4401})
                else:
                    await refusal.response()(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _is_ide_page(self, request: Request) -> bool:
        return self.graphql_ide is not None and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services = self._services[0]
        principal = request.state.principal  # set by __call__, which refuses a request without
        return Context(
            tenant=principal.tenant,
            platform=services.platform,
            pool=services.pool,
            role=principal.role,
            scopes=principal.scopes,
            profile=await services.auth.profile(principal.tenant),
            consistency_token=request.headers.get("x-consistency-token"),
        )


async def _targets_without_models(services: Services) -> list[str]:
    tenants = await asyncio.to_thread(services.tenants.list_tenants)
    expected = {PLATFORM} | {t.slug for t in tenants if t.status is not TenantStatus.OFFBOARDED}
    async with services.pool.acquire() as conn:
        live = {v.target for v in await live_versions(conn)}
    return sorted(expected - live)


def create_app(settings: Settings, database_url: str) -> Starlette:
    services: list[Services] = []  # filled at start-up, in the server's event loop

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        env = Database.from_url(database_url).eventsourcing_env(pool_size=8)
        platform = Platform(env)
        tenants = Tenants(env=env, share_with=platform.companies)
        clients = Clients(env=env, share_with=platform.companies)
        pool = await create_pool(database_url)
        auth = Authority(settings, pool, clients, tenants)
        await auth.start()
        services.append(Services(platform, tenants, pool, auth))
        stop = asyncio.Event()
        projector: asyncio.Task[None] | None = None
        if settings.redis_url is None:
            projector = asyncio.create_task(
                run_projections(database_url, tenants, stop, poll_seconds=2.0)
            )
        try:
            yield
        finally:
            stop.set()
            if projector is not None:
                await projector
            await auth.close()
            await pool.close()
            platform.close()

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            current, head = await asyncio.gather(
                asyncio.to_thread(current_revision, database_url),
                asyncio.to_thread(head_revision, database_url),
            )
        except Exception as error:  # the database does not answer
            return JSONResponse({"status": "unavailable", "reason": str(error)}, status_code=503)
        if current != head:
            reason = f"migrations at {current}, head is {head}: run `osezia migrate`"
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        if not services:
            return JSONResponse({"status": "starting"}, status_code=503)
        waiting = await _targets_without_models(services[0])
        if waiting:
            reason = "read models being built for: " + ", ".join(waiting)
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready", "migration": current})

    async def token(request: Request) -> Response:
        return await services[0].auth.token(request)

    async def jwks(request: Request) -> Response:
        return await services[0].auth.jwks(request)

    graphql = _GraphQL(services, graphiql=not settings.is_production)
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/oauth/token", token, methods=["POST"]),
            Route("/.well-known/jwks.json", jwks),
        ],
        lifespan=lifespan,
    )
