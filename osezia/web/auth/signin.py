"""People sign in to the dashboard through their network's OpenID Connect provider.

Authorization code with PKCE (S256), state and nonce, by authlib's Starlette client; the ID token
is verified by authlib, and the access token by `Authority.authenticate`, the very path every API
request takes, so a person's network and role come from one rule (the configured tenant and
roles claims). The access token then lives in the session cookie (signed, HttpOnly, SameSite=Lax,
Secure over https, no longer than the token), from which the page fetches it to call /graphql
with a bearer token: the API itself never reads the cookie, so it has no CSRF surface.

Whatever goes wrong sends the person back to the page with a short error code (`?erreur=`) that
the page words in French; the reason goes to the log.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from joserfc.errors import JoseError
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osezia.graphql.principal import Principal
from osezia.store.settings import OidcProvider, Settings
from osezia.web.auth.errors import InvalidToken

log = logging.getLogger(__name__)

PATH = "/tableau-de-bord"
COOKIE = "osezia_tableau_de_bord"
PROVIDER = "provider"
HTTP_TIMEOUT = 5.0  # seconds: a provider that does not answer is reported, not waited for
# Browsers drop a cookie over 4096 bytes, silently: the signed, base64-encoded session holding a
# larger token would never come back. Such a token is refused, and the log says why.
MAX_TOKEN_BYTES = 2800

Authenticate = Callable[[Mapping[str, str]], Awaitable[Principal]]  # Authority.authenticate


class SignInError(Exception):
    """A sign-in that cannot complete; `code` is what the page is told (it words it in French),
    the message what the log says."""

    code = "echec"


class ProviderUnavailable(SignInError):
    code = "fournisseur"


class StateMismatch(SignInError):
    code = "etat"


class NoRole(SignInError):
    code = "role"


class TokenTooLarge(SignInError):
    code = "jeton"


@dataclass(frozen=True)
class SignedIn:
    """Who the session's token acts for, as the dashboard's `session` answer shows it."""

    token: str
    expires_at: float
    subject: str
    name: str


def sign_in_enabled(settings: Settings) -> bool:
    return settings.oidc is not None and settings.oidc.client_id is not None


def session_middleware(settings: Settings) -> Middleware:
    """The signed session cookie, for the dashboard's paths only, never longer-lived than the
    longest access token osezia accepts (and, once signed in, than the token it holds)."""
    # In development a random key per process is enough: a restart signs everyone out.
    secret = settings.session_secret or secrets.token_urlsafe(32)
    return Middleware(
        SessionLifetime,
        secret_key=secret,
        max_age=settings.max_token_lifetime,
        https_only=settings.public_url.startswith("https://"),
    )


class SessionLifetime:
    """Starlette's SessionMiddleware, whose cookie's Max-Age is cut to what remains of the
    signed-in person's token: the browser drops the cookie when the token expires."""

    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int, https_only: bool) -> None:
        self._sessions = SessionMiddleware(
            app,
            secret_key=secret_key,
            session_cookie=COOKIE,
            max_age=max_age,
            path=PATH,
            same_site="lax",
            https_only=https_only,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def shorten(message: Message) -> None:
            if message["type"] == "http.response.start":
                expires_at = scope.get("session", {}).get("expires_at")
                if isinstance(expires_at, int | float):
                    remaining = max(0, int(expires_at - time.time()))
                    message["headers"] = [_cut(h, remaining) for h in message.get("headers", [])]
            await send(message)

        await self._sessions(scope, receive, shorten)


def _cut(header: tuple[bytes, bytes], seconds: int) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() != b"set-cookie" or not value.startswith(COOKIE.encode() + b"="):
        return header
    cut = re.sub(rb"Max-Age=(\d+)", lambda m: b"Max-Age=%d" % min(int(m[1]), seconds), value)
    return name, cut


def signed_in(session: Mapping[str, Any]) -> SignedIn | None:
    """The session's person, if their token has not expired."""
    token, expires_at = session.get("token"), session.get("expires_at")
    if not isinstance(token, str) or not isinstance(expires_at, int | float):
        return None
    if expires_at <= time.time():
        return None
    return SignedIn(token, float(expires_at), str(session["subject"]), str(session["name"]))


class SignIn:
    """The three routes of the person's sign-in: to the provider, back from it, and out."""

    def __init__(self, settings: Settings, authenticate: Callable[[Request], Authenticate]) -> None:
        assert settings.oidc is not None, "the sign-in needs a provider"
        self._redirect_uri = f"{settings.public_url.rstrip('/')}{PATH}/retour"
        self._authenticate = authenticate
        self._client = _register(settings.oidc)

    def routes(self) -> list[Route]:
        return [
            Route("/connexion", self.start, name="dashboard-sign-in"),
            Route("/retour", self.back, name="dashboard-sign-in-return"),
            # POST only: the Lax cookie is not sent on another site's POST, so no page elsewhere
            # can sign a person out.
            Route("/deconnexion", self.out, methods=["POST"], name="dashboard-sign-out"),
        ]

    async def start(self, request: Request) -> Response:
        import httpx  # loaded with the provider's client (_register)

        try:
            response: Response = await self._client.authorize_redirect(request, self._redirect_uri)
        except (httpx.HTTPError, AuthlibBaseError, ValueError, RuntimeError) as error:
            return _refused(ProviderUnavailable(f"the provider's metadata: {error!r}"))
        return response

    async def back(self, request: Request) -> Response:
        try:
            person = await self._complete(request)
        except SignInError as error:
            request.session.clear()
            return _refused(error)
        request.session.clear()
        request.session.update(
            token=person.token,
            expires_at=person.expires_at,
            subject=person.subject,
            name=person.name,
        )
        log.info("%s signed in to the dashboard", person.subject)
        return RedirectResponse(PATH, status_code=303)

    async def out(self, request: Request) -> Response:
        request.session.clear()
        return Response(status_code=204)

    async def _complete(self, request: Request) -> SignedIn:
        import httpx  # loaded with the provider's client (_register)

        try:
            token = await self._client.authorize_access_token(request)
        except MismatchingStateError:
            # Checked before the code goes anywhere: a forged or replayed return costs nothing.
            raise StateMismatch("the state is unknown to this browser's session") from None
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"the token request failed: {error!r}") from None
        except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
            raise SignInError(f"the provider's answer was refused: {error!r}") from None
        access = token.get("access_token")
        claims = token.get("userinfo") or {}
        if not isinstance(access, str) or not claims:
            raise SignInError("the provider gave no access token or no ID token")
        if len(access) > MAX_TOKEN_BYTES:
            raise TokenTooLarge(
                f"{claims.get('sub')}: the access token has {len(access)} bytes, more than the "
                f"{MAX_TOKEN_BYTES} a session cookie can hold (ask the provider for fewer claims)"
            )
        try:
            authenticate = self._authenticate(request)  # the server's, from its lifespan state
            principal = await authenticate({"authorization": f"Bearer {access}"})
        except InvalidToken as refusal:
            raise NoRole(f"{claims.get('sub')}: {refusal.description}") from None
        if principal.subject != claims.get("sub"):
            raise SignInError("the access token and the ID token name different people")
        expires_at = principal.expires_at or time.time()
        name = claims.get("name") or claims.get("preferred_username") or principal.subject
        return SignedIn(access, expires_at, principal.subject, str(name))


def _refused(error: SignInError) -> Response:
    log.warning("dashboard sign-in refused (%s): %s", error.code, error)
    return RedirectResponse(f"{PATH}?erreur={error.code}", status_code=303)


def _register(provider: OidcProvider) -> Any:
    # authlib's Starlette client, and httpx with it (with its command line: 20 MB), only for a
    # server whose dashboard signs people in.
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    client_kwargs: dict[str, Any] = {
        "scope": provider.scopes,
        "code_challenge_method": "S256",
        "timeout": HTTP_TIMEOUT,
    }
    if provider.client_secret is None:
        client_kwargs["token_endpoint_auth_method"] = "none"  # a public client: PKCE alone
    oauth.register(
        PROVIDER,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs=client_kwargs,
    )
    return oauth.create_client(PROVIDER)
