"""CORS: the pages named in OSEZIA_ALLOWED_ORIGINS may call the API from a browser.

A browser asks first (a preflight, OPTIONS) before it sends a POST with a bearer token and a
JSON body; the answer names the origin, the methods and the headers the API accepts. Tokens go
in the Authorization header, never in cookies: no credentials are allowed, so that a page that
is not listed cannot ride on a signed-in person's session either. With no origin listed, no
CORS header is ever sent, and browsers keep other pages out.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from osezia.graphql.principal import TENANT_HEADER
from osezia.graphql.reading import CONSISTENCY_HEADER
from osezia.store.settings import Settings

MAX_AGE = 600  # seconds a browser may remember a preflight's answer
# What GraphQL clients send: the token, JSON, the consistency token, Apollo's client names.
ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    CONSISTENCY_HEADER,
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
)
EXPOSED_HEADERS = ("retry-after", "x-cache")


def cors(settings: Settings) -> list[Middleware]:
    """The CORS middleware for the origins allowed, or none."""
    if not settings.allowed_origins:
        return []
    # The development tenant header, where the server accepts it, for a page under development.
    development = settings.dev_tenant_header and not settings.is_production
    headers = [*ALLOWED_HEADERS, *([TENANT_HEADER] if development else [])]
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=headers,
            expose_headers=list(EXPOSED_HEADERS),
            allow_credentials=False,
            max_age=MAX_AGE,
        )
    ]
