"""authlib's authorization server as osezia configures it: the client-credentials grant (RFC 6749
§4.4), client authentication by `client_secret_basic` or `private_key_jwt` (RFC 7523), and RFC
9068 access tokens.

It is synchronous, like authlib, and runs on the token executor's threads. What it needs from
PostgreSQL through asyncpg (the signing key, the table of used assertions) it asks the event loop
for through `on_loop`; the event-sourced reads (clients, tenants) it makes on its own thread.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Coroutine, Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import unquote_plus

import asyncpg
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientCredentialsGrant,
    OAuth2Error,
    OAuth2Request,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from joserfc.jwk import ECKey
from starlette.responses import JSONResponse, Response

from osezia.store.settings import Settings
from osezia.tenants.clients.application import Clients
from osezia.tenants.clients.model import Client
from osezia.web.auth.assertions import ASSERTION_TYPE, PrivateKeyJWT, first_use
from osezia.web.auth.errors import NO_STORE, TokenRequestError, invalid_client
from osezia.web.auth.keys import current_signing_key
from osezia.web.auth.oauth_client import GRANT_TYPE, OAuthClient
from osezia.web.auth.standing import Roles, Standing
from osezia.web.auth.tokens import AccessTokens

T = TypeVar("T")
_LOOP_TIMEOUT = 30.0  # seconds a worker thread waits for the database through the event loop


class TokenRequest(OAuth2Request):  # type: ignore[misc]
    """A token request whose form the Starlette adapter has read and checked."""

    def __init__(self, uri: str, form: dict[str, str], headers: Mapping[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form

    @property
    def form(self) -> dict[str, str]:
        return self._form


class ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    """The grant, with one client authentication method per request and scopes from the
    client's role in its tenant's profile, read afresh."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "private_key_jwt"]
    server: TokenServer
    request: TokenRequest
    granted: frozenset[str]  # set by validate_requested_scope

    def authenticate_token_endpoint_client(self) -> OAuthClient:
        _one_method(self.request)
        client: OAuthClient = super().authenticate_token_endpoint_client()
        if self.request.form.get("client_id", client.get_client_id()) != client.get_client_id():
            raise invalid_client("client_id does not name the authenticated client")
        return client

    def validate_requested_scope(self) -> None:
        client: Client = self.request.client.client
        roles = self.server.tenant_roles(client.tenant)
        self.granted = granted_scopes(client, self.request.payload.scope, roles)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        scope = " ".join(sorted(self.granted))  # what was granted, not what was asked
        token: dict[str, Any] = self.generate_token(scope=scope, include_refresh_token=False)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class TokenServer(AuthorizationServer):  # type: ignore[misc]
    """Answers one token request at a time per thread; `respond` is its entry point."""

    def __init__(
        self,
        settings: Settings,
        clients: Clients,
        standing: Standing,
        pool: asyncpg.Pool,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        super().__init__()
        self._settings, self._clients, self._standing = settings, clients, standing
        self._pool, self._loop = pool, loop
        self.register_grant(ClientCredentials)
        self.register_client_auth_method("client_secret_basic", self._secret_basic)
        # The audiences come from the configured public URL, never from the request's Host.
        audiences = (settings.token_endpoint, settings.issuer)
        self.register_client_auth_method("private_key_jwt", PrivateKeyJWT(audiences, self._first))
        generator = AccessTokens(
            issuer=settings.issuer,
            audience=settings.audience,
            lifetime=settings.token_lifetime,
            signing_key=self._signing_key,
        )
        self.register_token_generator(GRANT_TYPE, generator)

    def respond(self, form: dict[str, str], headers: Mapping[str, str]) -> Response:
        """The answer to a token request: a token, or an RFC 6749 §5.2 error."""
        try:
            # authlib refuses a plain-http URI unless it is the loopback's: production's public
            # URL is https (the settings insist), development's is 127.0.0.1.
            request = TokenRequest(self._settings.token_endpoint, form, headers)
            response: Response = self.create_token_response(request)
        except OAuth2Error as error:  # raised where authlib does not catch it itself
            return self.handle_error_response(None, error)
        except TokenRequestError as error:  # our refusals, raised through authlib's steps
            return error.response()
        return response

    def create_oauth2_request(self, request: TokenRequest) -> TokenRequest:
        return request

    def get_token_grant(self, request: TokenRequest) -> ClientCredentials:
        if request.payload.grant_type is None:
            raise TokenRequestError("invalid_request", "grant_type is required")
        try:
            grant: ClientCredentials = super().get_token_grant(request)
        except UnsupportedGrantTypeError:
            raise TokenRequestError(
                "unsupported_grant_type", "only the client_credentials grant is supported"
            ) from None
        return grant

    def query_client(self, client_id: str) -> OAuthClient | None:
        client = self._standing.read_client(client_id)
        return OAuthClient(client) if client is not None else None

    def tenant_roles(self, tenant: str) -> Roles | None:
        return self._standing.read_tenant_roles(tenant)

    def save_token(self, token: dict[str, Any], request: TokenRequest) -> None:
        """Nothing to save: an access token is a signed JWT that carries its own claims."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No one listens to authlib's signals here."""

    def handle_response(
        self, status: int, body: dict[str, Any], headers: list[tuple[str, str]]
    ) -> Response:
        return JSONResponse(body, status_code=status, headers=NO_STORE)

    def handle_error_response(self, request: object, error: OAuth2Error) -> Response:
        return TokenRequestError(error.error, error.description or error.error).response()

    def _secret_basic(self, query_client: object, request: TokenRequest) -> OAuthClient | None:
        authorization = request.headers.get("authorization")
        if authorization is None:
            return None
        client_id, secret = basic_credentials(authorization)
        client = self._clients.authenticate_secret(client_id, secret)
        if client is None:
            raise invalid_client("unknown client, wrong secret, or a revoked client")
        return OAuthClient(client)

    def _signing_key(self) -> ECKey:
        async def read() -> ECKey:
            async with self._pool.acquire() as conn:
                return await current_signing_key(conn)

        return self._on_loop(read())

    def _first(self, client_id: str, jti: str, exp: float) -> bool:
        return self._on_loop(first_use(self._pool, client_id, jti, exp))

    def _on_loop(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_LOOP_TIMEOUT)


def _one_method(request: TokenRequest) -> None:
    """One client authentication method per request (RFC 6749 §2.3), and one we accept."""
    form, authorization = request.form, request.headers.get("authorization")
    assertion, assertion_type = form.get("client_assertion"), form.get("client_assertion_type")
    attempts = [authorization, assertion or assertion_type, form.get("client_secret")]
    if sum(a is not None for a in attempts) > 1:
        raise TokenRequestError("invalid_request", "use one client authentication method only")
    if "client_secret" in form:
        raise invalid_client("use HTTP Basic (client_secret_basic) or private_key_jwt")
    if authorization is not None:
        return
    if assertion is None and assertion_type is None:
        raise invalid_client("client authentication is required")
    if assertion_type != ASSERTION_TYPE or not assertion:
        raise invalid_client(f"client_assertion_type must be {ASSERTION_TYPE}")


def basic_credentials(authorization: str) -> tuple[str, str]:
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


def granted_scopes(client: Client, requested: str | None, roles: Roles | None) -> frozenset[str]:
    """The scopes asked for (all the role's, if none), provided the role still grants them."""
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
