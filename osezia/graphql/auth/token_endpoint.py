"""POST /oauth/token: the client-credentials grant (RFC 6749 §4.4) for partner machine clients,
authenticated by `client_secret_basic` or `private_key_jwt` (RFC 7523)."""

from __future__ import annotations

import asyncio
import base64
import binascii
from urllib.parse import parse_qsl, unquote_plus

import asyncpg
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from osezia.config import Settings
from osezia.graphql.auth.assertions import ASSERTION_TYPE, authenticate_assertion
from osezia.graphql.auth.errors import NO_STORE, TokenRequestError, invalid_client
from osezia.graphql.auth.keys import current_signing_key
from osezia.graphql.auth.standing import Standing
from osezia.graphql.auth.tokens import issue_access_token
from osezia.tenants.clients.application import Clients
from osezia.tenants.clients.model import Client

_MAX_BODY = 16_384


async def token_response(
    request: Request, settings: Settings, clients: Clients, standing: Standing, pool: asyncpg.Pool
) -> Response:
    try:
        form = await _form(request)
        grant_type = form.get("grant_type")
        if grant_type is None:
            raise TokenRequestError("invalid_request", "grant_type is required")
        if grant_type != "client_credentials":
            raise TokenRequestError(
                "unsupported_grant_type", "only the client_credentials grant is supported"
            )
        client = await _authenticate(request, form, settings, clients, standing, pool)
        scopes = await _scopes(client, form.get("scope"), standing)
        async with pool.acquire() as conn:
            key = await current_signing_key(conn)
    except TokenRequestError as error:
        return error.response()
    token = issue_access_token(
        key,
        issuer=settings.issuer,
        audience=settings.audience,
        client_id=client.client_id,
        tenant=client.tenant,
        role=client.role,
        scopes=scopes,
        lifetime=settings.token_lifetime,
    )
    body = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": settings.token_lifetime,
        "scope": " ".join(sorted(scopes)),
    }
    return JSONResponse(body, headers=NO_STORE)


async def _form(request: Request) -> dict[str, str]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise TokenRequestError(
            "invalid_request", "send the parameters as application/x-www-form-urlencoded"
        )
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_BODY:
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


async def _authenticate(
    request: Request,
    form: dict[str, str],
    settings: Settings,
    clients: Clients,
    standing: Standing,
    pool: asyncpg.Pool,
) -> Client:
    authorization = request.headers.get("authorization")
    assertion = form.get("client_assertion")
    assertion_type = form.get("client_assertion_type")
    attempts = [authorization, assertion or assertion_type, form.get("client_secret")]
    if sum(a is not None for a in attempts) > 1:  # RFC 6749 §2.3
        raise TokenRequestError("invalid_request", "use one client authentication method only")
    if "client_secret" in form:
        raise invalid_client("use HTTP Basic (client_secret_basic) or private_key_jwt")
    if authorization is not None:
        client_id, secret = _basic_credentials(authorization)
        client = await asyncio.to_thread(clients.authenticate_secret, client_id, secret)
        if client is None:
            raise invalid_client("unknown client, wrong secret, or a revoked client")
    elif assertion is not None or assertion_type is not None:
        if assertion_type != ASSERTION_TYPE or not assertion:
            raise invalid_client(f"client_assertion_type must be {ASSERTION_TYPE}")
        client = await authenticate_assertion(
            assertion,
            audiences=(settings.token_endpoint, settings.issuer),
            find_client=lambda client_id: standing.client(client_id, fresh=True),
            pool=pool,
        )
    else:
        raise invalid_client("client authentication is required")
    if form.get("client_id", client.client_id) != client.client_id:
        raise invalid_client("client_id does not name the authenticated client")
    return client


def _basic_credentials(authorization: str) -> tuple[str, str]:
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise invalid_client("the Authorization header must use the Basic scheme")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid_client("the Basic credentials cannot be read") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise invalid_client("the Basic credentials must be client_id:client_secret")
    # Both halves are form-encoded before they are joined (RFC 6749 §2.3.1).
    return unquote_plus(client_id), unquote_plus(secret)


async def _scopes(client: Client, requested: str | None, standing: Standing) -> frozenset[str]:
    roles = await standing.tenant_roles(client.tenant, fresh=True)
    allowed = (roles or {}).get(client.role, frozenset())
    if not allowed:
        raise TokenRequestError(
            "invalid_grant",
            f"role {client.role} of tenant {client.tenant} grants no scope any more",
        )
    asked = frozenset((requested or "").split())
    beyond = asked - allowed
    if beyond:
        raise TokenRequestError(
            "invalid_scope",
            f"{' '.join(sorted(beyond))} is beyond what role {client.role} may have "
            f"({' '.join(sorted(allowed))})",
        )
    return asked or allowed
