"""The « Tableau de bord Osez l'IA »: a static page, served here, that reads the GraphQL API
with the visitor's own access token, so it shows exactly what that network may see.

Two small JSON answers help the page: who the token acts for (`session`: the network's name
to show, the lists it may export, none without the `read` scope that exporting needs; for a
person signed in through the network's OpenID provider, who they are and the access token the
page then sends as a bearer token), and the ways in (`reseaux`): whether people sign in through
the provider, and, only where the development tenant header is accepted, the networks to choose
from, so that `make run` shows the page without credentials.

Everything but the page itself is mounted under the dashboard's path, with the signed session
cookie (osezia.web.auth.signin) when people sign in there: no other path sees that cookie.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from osezia.graphql.principal import TENANT_HEADER, Principal
from osezia.store.settings import Settings
from osezia.tenants.model import TenantStatus
from osezia.web.auth.errors import InvalidToken
from osezia.web.auth.signin import SignIn, session_middleware, sign_in_enabled, signed_in
from osezia.web.exports import exportable
from osezia.web.services import Services, services_of

PATH = "/tableau-de-bord"
ASSETS = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}

# Everything the page loads comes from this server: no inline script, no third party.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def asset(name: str) -> bytes:
    return files("osezia.web.dashboard").joinpath(name).read_bytes()


def dashboard_routes(settings: Settings) -> list[Route | Mount]:
    """The page, and under its path its script and style sheet, the two answers the page asks
    for and, when the provider sign-in is configured, its three routes."""
    developer = settings.dev_tenant_header and not settings.is_production
    people = sign_in_enabled(settings)
    contents = {name: asset(name) for name in ASSETS}  # shipped with the code: read once

    def serve(name: str) -> Route:
        async def endpoint(_: Request) -> Response:
            media = f"{ASSETS[name]}; charset=utf-8"
            headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
            return Response(contents[name], media_type=media, headers=headers)

        path = PATH if name == "index.html" else f"/{name}"
        return Route(path, endpoint, name=f"dashboard-{name}")

    async def session(request: Request) -> Response:
        # A request's own credentials come first; the cookie only stands in when there are none.
        person = signed_in(request.session) if people and _without_credentials(request) else None
        headers: Mapping[str, str] = request.headers
        if person is not None:
            headers = {"authorization": f"Bearer {person.token}"}
        services = services_of(request)
        try:
            principal = await services.auth.authenticate(headers)
        except InvalidToken as refusal:
            if person is not None:
                request.session.clear()  # its network was suspended, or the role withdrawn
            return refusal.response()
        body = await _who(services, principal)
        if person is not None:
            body |= {"token": person.token, "expiresAt": person.expires_at, "person": person.name}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def networks(request: Request) -> Response:
        if not developer:
            return JSONResponse({"networks": None, "provider": people})
        tenants = await asyncio.to_thread(services_of(request).tenants.list_tenants)
        listed = [
            {"tenant": t.slug, "name": t.name} for t in tenants if t.status is TenantStatus.ACTIVE
        ]
        return JSONResponse({"networks": listed, "provider": people})

    mounted = [
        *(serve(name) for name in ASSETS if name != "index.html"),
        Route("/session", session),
        Route("/reseaux", networks),
    ]
    middleware: list[Middleware] = []
    if people:
        mounted += SignIn(settings, lambda request: services_of(request).auth.authenticate).routes()
        middleware.append(session_middleware(settings))
    return [serve("index.html"), Mount(PATH, routes=mounted, middleware=middleware)]


def _without_credentials(request: Request) -> bool:
    return "authorization" not in request.headers and TENANT_HEADER not in request.headers


async def _who(services: Services, principal: Principal) -> dict[str, Any]:
    tenant = await asyncio.to_thread(services.tenants.get_tenant, principal.tenant)
    return {
        "tenant": principal.tenant,
        "name": tenant.name,
        "role": principal.role,
        "subject": principal.subject,
        "scopes": sorted(principal.scopes),
        # Offer no button that would only answer 403.
        "exports": sorted(exportable()) if "read" in principal.scopes else [],
    }
