"""A small OpenID Connect provider that tests start themselves: authlib's authorization server
(authorization code with PKCE required, OpenID Connect's ID token) served by Starlette and
uvicorn in a thread, on a loopback port.

It knows a few people by user name (no password: the test types the name) and one public
client. Its access tokens are RS256 JWTs for the configured audience that name the person's
network and roles in `osezia_tenant` and `osezia_roles`, as a network's own provider would be
configured to. It remembers what it was asked, so tests can check what the client sent.
"""

from __future__ import annotations

import hmac
import html
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.e2e.conftest import free_port

AUDIENCE = "osezia-api"
TOKEN_LIFETIME = 900  # seconds, below osezia's maximum


@dataclass(frozen=True)
class Person:
    """Someone the provider knows: their display name, network and roles (as its claims), and
    the groups the provider also puts in their access token (some providers list dozens)."""

    name: str
    tenant: str
    roles: tuple[str, ...]
    groups: tuple[str, ...] = ()


@dataclass
class Seen:
    """What the provider was sent: each authorization request's PKCE challenge and method, and
    each token request's code verifier (None when absent) and how its client authenticated."""

    challenges: list[tuple[str | None, str | None]] = field(default_factory=list)
    verifiers: list[str | None] = field(default_factory=list)
    client_authentications: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class Client(ClientMixin):  # type: ignore[misc]
    """A public client proves itself with PKCE alone; a confidential one also with its secret
    (HTTP Basic or in the form)."""

    client_id: str
    redirect_uris: tuple[str, ...]
    secret: str | None = None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret is not None and hmac.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.secret is None:
            return method == "none"
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: tuple[str, Person]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    @property
    def data(self) -> dict[str, str]:
        return dict(self._items)

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        values: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in self._items:
            values[name].append(value)
        return values


class _Request(OAuth2Request):  # type: ignore[misc]
    """A Starlette request, read in full, as authlib's (synchronous) server expects it."""

    def __init__(self, request: Request, form: list[tuple[str, str]]) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self._args = dict(request.query_params)
        self._form = dict(form)
        self.payload = _Payload([*request.query_params.multi_items(), *form])

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"]  # noqa: RUF012

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        challenge = (data.get("code_challenge"), data.get("code_challenge_method"))
        self.server.seen.challenges.append(challenge)
        self.server.codes[code] = Code(
            code,
            request.client.get_client_id(),
            request.payload.redirect_uri,
            request.scope,
            request.user,
            data.get("nonce"),
            *challenge,
            int(time.time()),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found: Code | None = self.server.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> tuple[str, Person]:
        return authorization_code.user


class _OpenID(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: OpenIDProvider) -> None:
        super().__init__(require_nonce=True)
        self._provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(c.nonce == nonce for c in self._provider.server.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self._provider.key

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self._provider.key.kid or ""}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self._provider.issuer, "aud": [client.client_id]}

    def generate_user_info(self, user: tuple[str, Person], scope: str) -> UserInfo:
        subject, person = user
        return UserInfo(sub=subject, name=person.name)


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, client: Client) -> None:
        super().__init__(scopes_supported=["openid", "profile"])
        self.client = client
        self.codes: dict[str, Code] = {}
        self.seen = Seen()

    def query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        pass  # its tokens are self-contained JWTs: nothing to look up later

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        content = json.dumps(body) if isinstance(body, dict) else (body or "")
        return Response(content, status_code=status, headers=dict(headers))


async def _form(request: Request) -> list[tuple[str, str]]:
    """The urlencoded body (Starlette's form parser needs python-multipart, which osezia does
    not otherwise use)."""
    if request.method != "POST":
        return []
    return parse_qsl((await request.body()).decode(), keep_blank_values=True)


LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head>
<body><h1>Test provider</h1>{error}
<form method="post"><label for="username">User name</label>
<input id="username" name="username" autocomplete="username">
<button type="submit">Sign in</button></form></body></html>"""


class OpenIDProvider:
    """The provider: `issuer` (its base URL), `people` by user name, and what it `seen`."""

    def __init__(
        self,
        people: Mapping[str, Person],
        *,
        client_id: str,
        redirect_uris: tuple[str, ...],
        client_secret: str | None = None,
        audience: str = AUDIENCE,
    ) -> None:
        self.people = dict(people)
        self.audience = audience
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig"})
        self.server = _Server(Client(client_id, redirect_uris, client_secret))
        self.server.register_token_generator("default", self._access_token)
        self.server.register_grant(_CodeGrant, [CodeChallenge(required=True), _OpenID(self)])

    @property
    def seen(self) -> Seen:
        return self.server.seen

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks.json"

    def _access_token(
        self,
        grant_type: str,
        client: Client,
        user: tuple[str, Person] | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        assert user is not None
        subject, person = user
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": self.audience,
            "client_id": client.client_id,
            "iat": now,
            "exp": now + TOKEN_LIFETIME,
            "scope": scope or "",
            "osezia_tenant": person.tenant,
            "osezia_roles": list(person.roles),
            **({"groups": list(person.groups)} if person.groups else {}),
        }
        header = {"alg": "RS256", "kid": self.key.kid or "", "typ": "at+jwt"}
        token = jwt.encode(header, claims, self.key, algorithms=["RS256"])
        return {
            "token_type": "Bearer",
            "access_token": token,
            "expires_in": TOKEN_LIFETIME,
            "scope": scope or "",  # OpenIDCode adds the ID token when it names `openid`
        }

    # --- the HTTP side ----------------------------------------------------------------------

    async def _discovery(self, _: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": self.jwks_url,
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["none"],
                "scopes_supported": ["openid", "profile"],
            }
        )

    async def _jwks(self, _: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def _authorize(self, request: Request) -> Response:
        form = await _form(request)
        oauth = _Request(request, form)
        username = oauth.form.get("username", "").strip()
        person = self.people.get(username)
        try:
            grant = self.server.get_consent_grant(oauth, end_user=None)
        except OAuth2Error as error:
            return JSONResponse(dict(error.get_body()), status_code=400)
        if request.method == "GET" or person is None:
            unknown = "" if request.method == "GET" else "<p role=alert>Unknown user name</p>"
            return HTMLResponse(LOGIN_PAGE.format(error=unknown))
        user = (html.escape(username), person)
        response: Response = self.server.create_authorization_response(
            oauth, grant_user=user, grant=grant
        )
        return response

    async def _token(self, request: Request) -> Response:
        form = await _form(request)
        oauth = _Request(request, form)
        self.server.seen.verifiers.append(oauth.form.get("code_verifier"))
        response: Response = self.server.create_token_response(oauth)
        self.server.seen.client_authentications.append(oauth.auth_method)
        return response

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks.json", self._jwks),
                Route("/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/token", self._token, methods=["POST"]),
            ]
        )

    @contextmanager
    def running(self) -> Iterator[OpenIDProvider]:
        """Serve until the block ends."""
        config = uvicorn.Config(
            self.app(),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            ws="none",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test OpenID provider did not start")
            time.sleep(0.02)
        try:
            yield self
        finally:
            server.should_exit = True
            thread.join(timeout=10)
