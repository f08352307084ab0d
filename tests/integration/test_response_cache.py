"""The response cache answers a repeated query from memory, and never with an answer the read
models have moved past: the ASGI application with its embedded projector, on the real database,
with real tokens from /oauth/token."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
from starlette.types import Receive, Scope, Send

from osezia.projections.names import stable_schema
from osezia.projections.rebuild import rebuild
from osezia.store.settings import load_settings
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import PLATFORM, Viewer
from osezia.web.app import create_app

COMPANIES = """query Companies($region: String) {
  companies(region: $region, first: 50) { totalCount edges { node { siren legalName } } }
}"""

REGISTER = """mutation Register($input: RegisterCompanyInput!) {
  registerCompany(input: $input) { __typename ... on Done { consistencyToken } }
}"""


def company(siren: str, name: str) -> dict[str, Any]:
    return {
        "siren": siren,
        "legalName": name,
        "region": "27",
        "departement": "39",
        "naf": "10.51C",
        "size": {"headcountUta": "23"},
    }


class Api:
    """The served application, and a token per (tenant, role) obtained like a partner does."""

    def __init__(self, http: httpx.AsyncClient, clients: Clients) -> None:
        self.http, self._clients = http, clients
        self._tokens: dict[tuple[str, str], str] = {}

    async def token(self, tenant: str, role: str) -> str:
        if (tenant, role) not in self._tokens:
            client_id, secret = self._clients.create_client(tenant, role=role, name="cache test")
            assert secret is not None
            answer = await self.http.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
            )
            answer.raise_for_status()
            self._tokens[tenant, role] = answer.json()["access_token"]
        return self._tokens[tenant, role]

    async def post(
        self,
        query: str,
        *,
        tenant: str = "cci",
        role: str = "officer",
        headers: dict[str, str] | None = None,
        **variables: Any,
    ) -> httpx.Response:
        token = await self.token(tenant, role)
        return await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}", **(headers or {})},
        )


@asynccontextmanager
async def serving(database_url: str, store_env: dict[str, str]) -> AsyncIterator[Api]:
    app = create_app(load_settings({"DATABASE_URL": database_url}), database_url)
    with Clients(env=store_env) as clients:
        async with app.router.lifespan_context(app) as state:

            async def served(scope: Scope, receive: Receive, send: Send) -> None:
                # As the server does: each request's scope gets a copy of the lifespan state.
                await app({**scope, "state": dict(state or {})}, receive, send)

            transport = httpx.ASGITransport(app=served)
            async with httpx.AsyncClient(transport=transport, base_url="http://osezia") as http:
                deadline = time.monotonic() + 30
                while (await http.get("/readyz")).json().get("building") != []:  # models built
                    assert time.monotonic() < deadline, (await http.get("/readyz")).json()
                    await asyncio.sleep(0.1)
                api = Api(http, clients)
                # Creating a client appends events, which move every read model's position:
                # all of them first, so that no test sees its cache keys move under it.
                for tenant, role in (
                    ("cci", "officer"),
                    ("cci", "analyst"),
                    ("bpifrance", "officer"),
                ):
                    await api.token(tenant, role)
                await applied(database_url, await head(database_url), "cci", "bpifrance")
                yield api


async def head(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(
            await conn.fetchval("SELECT coalesce(max(notification_id), 0) FROM osezia_events")
        )
    finally:
        await conn.close()


def run(
    database_url: str, store_env: dict[str, str], scenario: Callable[[Api], Awaitable[None]]
) -> None:
    async def main() -> None:
        async with serving(database_url, store_env) as api:
            await scenario(api)

    asyncio.run(main())


async def applied(database_url: str, position: int, *tenants: str) -> None:
    """Wait until the embedded projector has applied the log up to `position` for the tenants
    and for the platform (whose position is part of every tenant's cache key)."""
    conn = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + 10
        for target in (PLATFORM, *tenants):
            query = f'SELECT position FROM "{stable_schema(target)}".tracking'
            while await conn.fetchval(query) < position:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.02)
    finally:
        await conn.close()


def registered(answer: httpx.Response) -> int:
    """The consistency token of a registerCompany answer."""
    return int(answer.json()["data"]["registerCompany"]["consistencyToken"])


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_body(
    database_url: str, store_env: dict[str, str], tenants: Tenants
) -> None:
    async def scenario(api: Api) -> None:
        first = await api.post(COMPANIES, region="27")
        again = await api.post(COMPANIES, region="27")

        assert first.headers["x-cache"] == "miss"
        assert again.headers["x-cache"] == "hit"
        assert again.content == first.content
        assert "errors" not in again.json()

    run(database_url, store_env, scenario)


def test_after_a_mutation_is_applied_the_same_query_misses_and_returns_the_new_data(
    database_url: str, store_env: dict[str, str], tenants: Tenants
) -> None:
    async def scenario(api: Api) -> None:
        before = await api.post(COMPANIES, region="27")
        assert (await api.post(COMPANIES, region="27")).headers["x-cache"] == "hit"

        done = await api.post(REGISTER, input=company("542107651", "Fromagerie du Jura"))
        await applied(database_url, registered(done), "cci")
        after = await api.post(COMPANIES, region="27")

        assert before.json()["data"]["companies"]["totalCount"] == 0
        assert after.headers["x-cache"] == "miss"
        assert after.json()["data"]["companies"]["totalCount"] == 1
        assert after.json()["data"]["companies"]["edges"][0]["node"]["siren"] == "542107651"
        assert (await api.post(COMPANIES, region="27")).content == after.content

    run(database_url, store_env, scenario)


def test_two_networks_never_share_an_entry(
    database_url: str, store_env: dict[str, str], tenants: Tenants
) -> None:
    async def scenario(api: Api) -> None:
        done = await api.post(REGISTER, input=company("542107651", "Scierie des Vosges"))
        await applied(database_url, registered(done), "cci", "bpifrance")
        ours = await api.post(COMPANIES, tenant="cci")
        assert (await api.post(COMPANIES, tenant="cci")).headers["x-cache"] == "hit"

        theirs = await api.post(COMPANIES, tenant="bpifrance")

        assert theirs.headers["x-cache"] == "miss"
        assert ours.json()["data"]["companies"]["totalCount"] == 1
        assert theirs.json()["data"]["companies"]["totalCount"] == 0

    run(database_url, store_env, scenario)


def test_other_variables_or_another_role_miss_and_the_order_of_keys_does_not_matter(
    database_url: str, store_env: dict[str, str], tenants: Tenants
) -> None:
    async def scenario(api: Api) -> None:
        await api.post(COMPANIES, region="27")
        other_region = await api.post(COMPANIES, region="11")
        other_role = await api.post(COMPANIES, role="analyst", region="27")
        query = (
            "query ($a: String, $b: Segment) { companies(region: $a, segment: $b) { totalCount } }"
        )
        await api.post(query, a="27", b="TPE")
        reordered = await api.post(query, b="TPE", a="27")

        assert other_region.headers["x-cache"] == "miss"
        assert other_role.headers["x-cache"] == "miss"
        assert reordered.headers["x-cache"] == "hit"

    run(database_url, store_env, scenario)


def test_mutations_volatile_fields_and_malformed_consistency_tokens_bypass_the_cache(
    database_url: str, store_env: dict[str, str], tenants: Tenants
) -> None:
    async def scenario(api: Api) -> None:
        register = await api.post(REGISTER, input=company("542107651", "Garage du Lac"))
        await applied(database_url, registered(register), "cci")
        status = "{ projectionStatus { position head lagEvents } }"
        await api.post(status)
        status_again = await api.post(status)
        await api.post(COMPANIES)
        assert (await api.post(COMPANIES)).headers["x-cache"] == "hit"

        malformed = await api.post(COMPANIES, headers={"X-Consistency-Token": "soon"})

        assert "x-cache" not in register.headers
        assert "x-cache" not in status_again.headers
        assert "x-cache" not in malformed.headers
        assert malformed.json()["errors"][0]["extensions"]["code"] == "INVALID_VALUE"

    run(database_url, store_env, scenario)


def test_a_rebuild_swapped_in_at_the_same_position_changes_the_key(
    database_url: str, store_env: dict[str, str], tenants: Tenants
) -> None:
    async def scenario(api: Api) -> None:
        await api.post(COMPANIES)
        assert (await api.post(COMPANIES)).headers["x-cache"] == "hit"

        profile = Profile.from_data(tenants.get_tenant("cci").profile)
        await rebuild(database_url, Viewer("cci", profile))

        assert (await api.post(COMPANIES)).headers["x-cache"] == "miss"

    run(database_url, store_env, scenario)
