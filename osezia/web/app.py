"""The Starlette application: GraphQL over HTTP and websockets, health and readiness, metrics,
the OAuth token endpoint and JWKS.

/metrics (Prometheus) names every tenant: in production it is served only when
OSEZIA_METRICS_TOKEN is set, to requests bearing that token; in development, to anyone who can
reach the server (or, with the token set, to its holder).

The services (the platform, the pools, authentication) are built by the lifespan, in the
server's event loop, and reach handlers as Starlette's lifespan state (osezia.web.services).

Without REDIS_URL (the embedded setup of `make run`), the projection process runs inside the
server as a background task, so one command serves a complete, live platform.

Each part logs in as a role with only the rights it needs (osezia.projections.roles): commands
as the writer, tenants' reads as the reader, health and metrics as the service role.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import Scope

from osezia.domain.platform import Platform
from osezia.graphql.principal import Principal
from osezia.observability.logs import LogRequests, configure_logging, route_uvicorn
from osezia.observability.probe import bearer_matches
from osezia.projections.changes import ChangeHub
from osezia.projections.connections import create_api_pool, create_pool
from osezia.projections.log import head_position
from osezia.projections.roles import role_url
from osezia.projections.status import projection_status
from osezia.projections.versions import live_versions
from osezia.store.revisions import log_revisions
from osezia.store.settings import Database, Settings
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.model import TenantStatus
from osezia.tenants.networks import NETWORKS
from osezia.tenants.visibility import PLATFORM
from osezia.web.auth.authority import Authority
from osezia.web.auth.ratelimit import TokenRateLimit
from osezia.web.cache import ReadModelStates, ResponseCache
from osezia.web.cors import cors
from osezia.web.dashboard.routes import dashboard_routes
from osezia.web.exports import Exports
from osezia.web.metrics import (
    CONTENT_TYPE,
    MeasureRequests,
    Metrics,
    PsycopgPool,
    gauge,
    log_families,
    pool_families,
    projection_families,
)
from osezia.web.ratelimit import GraphQLRateLimit
from osezia.web.services import Services, services_of, started
from osezia.web.view import GraphQLView
from osezia.workers.leader import lead_projections
from osezia.workers.process import outages


async def _targets_without_models(services: Services) -> list[str]:
    tenants = await asyncio.to_thread(services.tenants.list_tenants)
    expected = {PLATFORM} | {t.slug for t in tenants if t.status is not TenantStatus.OFFBOARDED}
    async with services.health.acquire() as conn:
        live = {v.target for v in await live_versions(conn)}
    return sorted(expected - live)


def _pending_migrations(current: str | None, head: str | None, known: frozenset[str]) -> bool:
    """A database at head, or at a revision this release does not know (a later release
    migrated it: a rolling upgrade keeps this replica in rotation), is at or beyond head;
    one at an older revision of this release, or never migrated, is not."""
    return current != head and (current is None or current in known)


def _may_scrape(request: Request, token: str | None) -> bool:
    if token is None:
        return True  # served without a token only outside production
    return bearer_matches(request.headers.get("authorization"), token)


def _caller(scope: Scope) -> tuple[str | None, str | None]:
    """The tenant and client id the GraphQL view authenticated (request.state.principal)."""
    principal = scope.get("state", {}).get("principal")
    if not isinstance(principal, Principal):
        return None, None
    return principal.tenant, principal.client_id or principal.subject


def _eventsourcing_pool(platform: Platform) -> PsycopgPool | None:
    """The psycopg pool every application of the platform shares (eventsourcing's store)."""
    datastore = getattr(platform.companies.recorder, "datastore", None)
    found: PsycopgPool | None = getattr(datastore, "pool", None)
    return found


GC_YOUNG = 10_000  # allocations between two collections of the youngest objects


def create_app(settings: Settings, database_url: str) -> Starlette:
    configure_logging(settings, "serve")
    metrics = Metrics()
    limiter = TokenRateLimit(settings, metrics)
    rate_limit = GraphQLRateLimit(settings)
    cache = ResponseCache() if settings.response_cache else None

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Services]]:
        route_uvicorn()  # uvicorn.run installed its handlers after create_app
        writer = role_url(database_url, "writer", settings.writer_url)
        env = Database.from_url(writer).eventsourcing_env(pool_size=8)
        platform = Platform(env, networks=NETWORKS)
        tenants = Tenants(env=env, share_with=platform.companies)
        clients = Clients(env=env, share_with=platform.companies)
        readers = role_url(database_url, "reader", settings.reader_url)
        pool = await create_api_pool(database_url, readers, settings.read_connections)
        service = await create_pool(role_url(database_url, "service", settings.service_url), 1, 2)
        auth = Authority(settings, pool, clients, tenants)
        await auth.start()
        await limiter.start()
        await rate_limit.start()
        changes = ChangeHub(database_url)
        states = ReadModelStates(pool)
        services = Services(platform, tenants, pool, auth, changes, states, health=service)
        stop = asyncio.Event()
        projector: asyncio.Task[None] | None = None
        if settings.redis_url is None:
            # One process of `osezia serve --workers N` projects; the others stand by.
            projector = asyncio.create_task(
                lead_projections(database_url, tenants, stop, poll_seconds=2.0)
            )
        # What the process built to start (modules, the schema, the services) lives as long
        # as it does: frozen out of the collector's reach, a full collection no longer walks
        # its 170,000 objects (100 ms). And a request makes thousands of short-lived objects:
        # collected every 700 allocations, as by default, 32 requests in flight kept the
        # collector busy for 0.9 ms a request (a quarter of its CPU), mostly promoting objects
        # of requests not yet done; every GC_YOUNG, most are gone already (0.1 ms a request).
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
        try:
            yield services.state()  # copied by the server into every request's scope
        finally:
            stop.set()
            if projector is not None:
                await projector
            await states.close()
            await changes.close()
            await limiter.close()
            await rate_limit.close()
            await auth.close()
            await service.close()
            await pool.close()
            platform.close()

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    # The migrations shipped with this code cannot change while it runs: read them once, from
    # their files (osezia.store.revisions), without alembic and sqlalchemy.
    revisions = log_revisions()
    head, known = revisions.head, revisions.known

    async def readyz(request: Request) -> Response:
        services = started(request)
        if services is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        try:
            async with services.health.acquire() as conn:
                current = await conn.fetchval("SELECT version_num FROM alembic_version")
        except outages() as error:  # the database does not answer
            return _unavailable(str(error))
        if _pending_migrations(current, head, known):
            return _unavailable(f"migrations at {current}, head is {head}: run `osezia migrate`")
        # Read models being built or behind are each tenant's own answer (an error on its
        # queries, a metric and an alert), never the unreadiness of every replica: the
        # targets still waiting for theirs are told, for the operator, not counted against it.
        try:
            building = await _targets_without_models(services)
        except outages() as error:  # the database went away in between
            return _unavailable(str(error))
        return JSONResponse({"status": "ready", "migration": current, "building": building})

    async def token(request: Request) -> Response:
        return await services_of(request).auth.token(request)

    async def jwks(request: Request) -> Response:
        return await services_of(request).auth.jwks(request)

    async def scrape(request: Request) -> Response:
        if not _may_scrape(request, settings.metrics_token):
            challenge = {"WWW-Authenticate": 'Bearer realm="osezia-metrics"'}
            return PlainTextResponse("a bearer token is required", 401, headers=challenge)
        services = services_of(request)
        # Lag is measured now, with the service's connection: the log is not a tenant's to read.
        async with services.health.acquire() as conn:
            statuses = [await projection_status(conn, v.target) for v in await live_versions(conn)]
            head = await head_position(conn)
        eventsourcing = _eventsourcing_pool(services.platform)
        pools = {"api": services.pool, "readers": services.pool.readers, "service": services.health}
        scraped = [
            *projection_families(statuses),
            *log_families(head, metrics.appends_per_second(head)),
            *pool_families(
                pools,
                {"eventsourcing": eventsourcing} if eventsourcing is not None else {},
            ),
        ]
        if cache is not None:
            scraped += [
                gauge("osezia_response_cache_entries", "Answers held.", [((), (), len(cache))]),
                gauge(
                    "osezia_response_cache_bytes", "Bytes held, roughly.", [((), (), cache.bytes)]
                ),
            ]
        return Response(metrics.render(scraped), media_type=CONTENT_TYPE)

    graphql = GraphQLView(settings, metrics, cache, rate_limit)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/oauth/token", limiter.wrap(token), methods=["POST"]),
        Route("/.well-known/jwks.json", jwks),
        Route("/exports/{name}.csv", Exports()),
        *dashboard_routes(settings),
    ]
    # In production, the metrics (which name every tenant) are served only to a holder of
    # OSEZIA_METRICS_TOKEN; in development, to anyone who can reach the server.
    if settings.metrics_token is not None or not settings.is_production:
        routes.append(Route("/metrics", scrape))
    mounted = [(m.path, r) for m in routes if isinstance(m, Mount) for r in m.routes]
    paths = frozenset(r.path for r in routes if isinstance(r, Route)) | frozenset(
        base + r.path for base, r in mounted if isinstance(r, Route)
    )
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(LogRequests, caller=_caller),
            Middleware(MeasureRequests, metrics=metrics, routes=paths),
            *cors(settings),  # within: a preflight is logged and measured too
        ],
        lifespan=lifespan,
    )


def _unavailable(reason: str) -> Response:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
