"""The dashboard's session cookie: signed, HttpOnly, SameSite=Lax, scoped to the dashboard,
Secure over https, and never outliving the access token it holds."""

from __future__ import annotations

import asyncio
import time
from http.cookies import SimpleCookie

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from osezia.store.settings import Settings, load_settings
from osezia.web.auth.signin import COOKIE, PATH, session_middleware, signed_in

MAX_LIFETIME = 3600


def a_dashboard(config: Settings) -> Starlette:
    """The session middleware, mounted as the dashboard mounts it, over two tiny routes."""

    async def keep(request: Request) -> Response:
        lifetime = float(request.query_params["seconds"])
        request.session.update(
            token="t", expires_at=time.time() + lifetime, subject="camille", name="Camille"
        )
        return JSONResponse({})

    async def start(request: Request) -> Response:
        request.session["_state_provider_abc"] = {"data": {}, "exp": time.time() + 3600}
        return JSONResponse({})

    async def who(request: Request) -> Response:
        person = signed_in(request.session)
        return JSONResponse({"subject": person.subject if person else None})

    routes = [Route("/keep", keep), Route("/start", start), Route("/who", who)]
    return Starlette(routes=[Mount(PATH, routes=routes, middleware=[session_middleware(config)])])


def get(
    app: Starlette,
    path: str,
    *,
    https: bool = False,
    cookies: dict[str, str] | None = None,
    **params: str,
) -> httpx.Response:
    """One request to the app, in process (httpx's ASGI transport)."""

    async def send() -> httpx.Response:
        base = "https://testserver" if https else "http://testserver"
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base, cookies=cookies) as http:
            return await http.get(path, params=params)

    return asyncio.run(send())


def cookie_of(response: httpx.Response) -> dict[str, str]:
    header = response.headers["set-cookie"]
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)
    morsel = jar[COOKIE]
    attributes = {k: str(v) for k, v in morsel.items() if v}
    return attributes | {"raw": header.lower()}


@settings(max_examples=40, deadline=None)
@given(seconds=st.integers(min_value=1, max_value=3 * MAX_LIFETIME))
def test_the_cookie_lives_no_longer_than_the_token_nor_the_longest_accepted_token(
    seconds: int,
) -> None:
    app = a_dashboard(load_settings({}))

    cookie = cookie_of(get(app, f"{PATH}/keep", seconds=str(seconds)))

    assert 0 <= int(cookie["max-age"]) <= min(seconds, MAX_LIFETIME)


def test_a_sign_in_under_way_keeps_the_longest_lifetime() -> None:
    app = a_dashboard(load_settings({}))

    cookie = cookie_of(get(app, f"{PATH}/start"))

    assert int(cookie["max-age"]) == MAX_LIFETIME


def test_the_cookie_is_httponly_lax_and_only_sent_to_the_dashboard() -> None:
    app = a_dashboard(load_settings({}))

    cookie = cookie_of(get(app, f"{PATH}/keep", seconds="600"))

    assert cookie["path"] == PATH
    assert cookie["httponly"]
    assert cookie["samesite"].lower() == "lax"
    assert "secure" not in cookie["raw"]  # http://127.0.0.1 in development


def test_the_cookie_is_secure_when_osezia_is_reached_over_https() -> None:
    config = load_settings({"OSEZIA_PUBLIC_URL": "https://osezia.example.gouv.fr"})
    app = a_dashboard(config)

    cookie = cookie_of(get(app, f"{PATH}/keep", https=True, seconds="600"))

    assert cookie["secure"]


def test_an_expired_token_signs_nobody_in() -> None:
    session = {"token": "t", "expires_at": time.time() + 60, "subject": "camille", "name": "C"}

    assert signed_in(session) is not None
    assert signed_in(session | {"expires_at": time.time() - 1}) is None


def test_a_cookie_signed_with_another_secret_is_ignored() -> None:
    ours = a_dashboard(load_settings({"OSEZIA_SESSION_SECRET": "s" * 40}))
    theirs = a_dashboard(load_settings({"OSEZIA_SESSION_SECRET": "x" * 40}))
    signed = get(theirs, f"{PATH}/keep", seconds="600").cookies[COOKIE]
    assert get(theirs, f"{PATH}/who", cookies={COOKIE: signed}).json() == {"subject": "camille"}

    assert get(ours, f"{PATH}/who", cookies={COOKIE: signed}).json() == {"subject": None}
