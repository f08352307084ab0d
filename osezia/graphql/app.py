"""The Starlette application: GraphQL, health and readiness."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from osezia.config import Settings
from osezia.domain.platform import Platform
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.migrations import current_revision, head_revision

TENANT_HEADER = "x-osezia-tenant"


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, platform: Platform, graphiql: bool) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self.platform = platform

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        tenant = request.headers.get(TENANT_HEADER, "operator")
        return Context(tenant=tenant, platform=self.platform)


def create_app(settings: Settings, database_url: str, platform: Platform) -> Starlette:
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
        return JSONResponse({"status": "ready", "migration": current})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        platform.close()

    graphql = _GraphQL(platform, graphiql=not settings.is_production)
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
