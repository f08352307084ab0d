"""The « Tableau de bord Osez l'IA »: a static page, served here, that reads the GraphQL API
with the visitor's own access token, so it shows exactly what that network may see.

Two small JSON answers help the page: who the token acts for (`session`: the network's name
to show, the lists it may export, none without the `read` scope that exporting needs), and,
only where the development tenant header is accepted, the networks to choose from (`reseaux`),
so that `make run` shows the page without credentials.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from osezia.config import Settings
from osezia.graphql.auth.errors import InvalidToken
from osezia.graphql.exports import exportable
from osezia.graphql.view import Services
from osezia.tenants.model import TenantStatus

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
    return files("osezia.graphql.dashboard").joinpath(name).read_bytes()


def dashboard_routes(services: list[Services], settings: Settings) -> list[Route]:
    """The page, its script and style sheet, and the two answers the page asks for."""
    developer = settings.dev_tenant_header and not settings.is_production
    contents = {name: asset(name) for name in ASSETS}  # shipped with the code: read once

    def serve(name: str) -> Route:
        async def endpoint(_: Request) -> Response:
            media = f"{ASSETS[name]}; charset=utf-8"
            headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache"}
            return Response(contents[name], media_type=media, headers=headers)

        path = PATH if name == "index.html" else f"{PATH}/{name}"
        return Route(path, endpoint, name=f"dashboard-{name}")

    async def session(request: Request) -> Response:
        try:
            principal = await services[0].auth.authenticate(request.headers)
        except InvalidToken as refusal:
            return refusal.response()
        tenant = await asyncio.to_thread(services[0].tenants.get_tenant, principal.tenant)
        body = {
            "tenant": principal.tenant,
            "name": tenant.name,
            "role": principal.role,
            "scopes": sorted(principal.scopes),
            # Offer no button that would only answer 403.
            "exports": sorted(exportable()) if "read" in principal.scopes else [],
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def networks(_: Request) -> Response:
        if not developer:
            return JSONResponse({"networks": None})
        tenants = await asyncio.to_thread(services[0].tenants.list_tenants)
        listed = [
            {"tenant": t.slug, "name": t.name} for t in tenants if t.status is TenantStatus.ACTIVE
        ]
        return JSONResponse({"networks": listed})

    return [
        *(serve(name) for name in ASSETS),
        Route(f"{PATH}/session", session),
        Route(f"{PATH}/reseaux", networks),
    ]
