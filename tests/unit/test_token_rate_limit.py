"""The token endpoint's limiter around a stand-in endpoint, on a clock the tests move."""

from __future__ import annotations

import asyncio
import base64
import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from osezia.store.settings import Settings
from osezia.web.auth.ratelimit import MemoryCounts, RedisCounts, TokenRateLimit
from osezia.web.metrics import Metrics

GOOD = "right"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def endpoint(request: Request) -> Response:
    """Accepts the secret GOOD, refuses any other as the token endpoint does (401)."""
    _, _, encoded = request.headers.get("authorization", "").partition(" ")
    secret = base64.b64decode(encoded).decode().partition(":")[2] if encoded else ""
    return JSONResponse({}, status_code=200 if secret == GOOD else 401)


def settings(per_address: int = 100, per_client: int = 100, redis: str | None = None) -> Settings:
    return Settings(
        database_url=None,
        redis_url=redis,
        host="127.0.0.1",
        port=8000,
        environment="development",
        token_rate_per_address=per_address,
        token_rate_per_client=per_client,
    )


def statuses(limit: TokenRateLimit, asks: list[tuple[str, str]]) -> list[int]:
    """The status of each (client id, secret) request, in order, from one address."""
    app = Starlette(routes=[Route("/oauth/token", limit.wrap(endpoint), methods=["POST"])])

    async def run() -> list[int]:
        await limit.start()
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://osezia") as http:
                return [
                    (await http.post("/oauth/token", auth=(c, s), data={})).status_code
                    for c, s in asks
                ]
        finally:
            await limit.close()

    return asyncio.run(run())


def test_a_new_window_serves_an_address_again() -> None:
    clock = Clock(600.0)
    limit = TokenRateLimit(settings(per_address=2), Metrics(), clock, pause=0)

    before = statuses(limit, [("a", GOOD)] * 3)
    clock.now += 60
    after = statuses(limit, [("a", GOOD)])

    assert (before, after) == ([200, 200, 429], [200])


def test_only_failures_count_against_a_client_id() -> None:
    limit = TokenRateLimit(settings(per_client=2), Metrics(), Clock(0.0), pause=0)

    answers = statuses(limit, [("a", GOOD)] * 3 + [("a", "x")] * 2 + [("a", GOOD), ("b", GOOD)])

    assert answers == [200, 200, 200, 401, 401, 429, 200]


def test_retry_after_is_the_rest_of_the_window_in_whole_seconds() -> None:
    limit = TokenRateLimit(settings(per_address=0), Metrics(), Clock(60 * 10 + 15.2), pause=0)
    app = Starlette(routes=[Route("/oauth/token", limit.wrap(endpoint), methods=["POST"])])

    async def run() -> httpx.Response:
        await limit.start()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://osezia"
        ) as http:
            return await http.post("/oauth/token", auth=("a", GOOD), data={})

    refused = asyncio.run(run())

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "45"
    assert refused.json()["error"] == "too_many_requests"


def test_refusals_are_counted_by_the_limit_they_reached() -> None:
    metrics = Metrics()
    limit = TokenRateLimit(settings(per_address=3, per_client=1), metrics, Clock(0.0), pause=0)

    statuses(limit, [("a", "x"), ("a", "x"), ("b", GOOD), ("b", GOOD)])

    assert metrics.token_requests_limited.values == {("client",): 1, ("address",): 1}


def test_memory_counts_forget_the_oldest_keys_beyond_their_size() -> None:
    counts = MemoryCounts(size=2)

    async def run() -> list[int]:
        for key in ("a", "b", "a", "c"):
            await counts.add(key, 1)
        return [await counts.get(key, 1) for key in ("a", "b", "c")]

    assert asyncio.run(run()) == [2, 0, 1]


def test_with_redis_down_counts_go_on_in_memory_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counts = RedisCounts("redis://127.0.0.1:1/0")

    async def run() -> list[int]:
        try:
            return [await counts.add("address:a", 1) for _ in range(3)]
        finally:
            await counts.close()

    with caplog.at_level(logging.WARNING, logger="osezia.web.auth.ratelimit"):
        assert asyncio.run(run()) == [1, 2, 3]
    assert "Redis does not answer" in caplog.text


async def slow_refusal(_: Request) -> Response:
    """Refuses every secret, after a while: the requests of a burst are all inside at once."""
    await asyncio.sleep(0.05)
    return JSONResponse({}, status_code=401)


def test_requests_in_flight_together_cannot_all_pass_a_client_ids_check() -> None:
    limit = TokenRateLimit(settings(per_client=2), Metrics(), Clock(0.0), pause=0)
    app = Starlette(routes=[Route("/oauth/token", limit.wrap(slow_refusal), methods=["POST"])])

    async def run() -> list[int]:
        await limit.start()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://osezia"
        ) as http:
            asks = [http.post("/oauth/token", auth=("a", "x"), data={}) for _ in range(5)]
            return sorted(r.status_code for r in await asyncio.gather(*asks))

    assert asyncio.run(run()) == [401, 401, 429, 429, 429]


def test_a_count_given_back_in_a_window_gone_by_leaves_the_new_one_alone() -> None:
    counts = MemoryCounts()

    async def run() -> int:
        await counts.add("client:a", 2)
        await counts.add("client:a", 1, -1)
        return await counts.get("client:a", 2)

    assert asyncio.run(run()) == 1


class AskedCounts(MemoryCounts):
    """Counts in memory, remembering how often they were asked to count."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    async def add(self, key: str, window: int, amount: int = 1) -> int:
        self.asked += 1
        return await super().add(key, window, amount)


def test_a_refused_address_is_refused_without_counting_again_until_the_window_ends() -> None:
    clock = Clock(0.0)
    counts = AskedCounts()
    limit = TokenRateLimit(settings(per_address=1), Metrics(), clock, counts=counts, pause=0)
    app = Starlette(routes=[Route("/oauth/token", limit.wrap(endpoint), methods=["POST"])])

    async def run() -> tuple[list[int], int]:
        await limit.start()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://osezia"
        ) as http:
            answers = [(await http.post("/oauth/token", data={})).status_code for _ in range(4)]
            asked_in_the_window = counts.asked
            clock.now += 60
            answers.append((await http.post("/oauth/token", data={})).status_code)
        return answers, asked_in_the_window

    answers, asked = asyncio.run(run())

    assert answers == [401, 429, 429, 429, 401]
    assert asked == 2  # the first request, and the one found over the limit


def test_refusals_are_held_a_while_but_no_more_of_them_than_the_bound() -> None:
    hour = 3600.0
    limit = TokenRateLimit(settings(per_address=0), Metrics(), Clock(0.0), pause=hour, max_paused=1)
    app = Starlette(routes=[Route("/oauth/token", limit.wrap(endpoint), methods=["POST"])])

    async def run() -> tuple[int, list[int]]:
        await limit.start()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://osezia"
        ) as http:
            asks = [asyncio.ensure_future(http.post("/oauth/token", data={})) for _ in range(2)]
            done, held = await asyncio.wait(asks, return_when=asyncio.FIRST_COMPLETED)
            for ask in held:
                ask.cancel()
            await asyncio.gather(*held, return_exceptions=True)
        return len(held), [ask.result().status_code for ask in done]

    held, answered = asyncio.run(asyncio.wait_for(run(), timeout=30))

    assert (held, answered) == (1, [429])


def test_an_assertion_nested_past_the_json_parsers_depth_names_no_client() -> None:
    """It reaches the endpoint, which refuses it, rather than failing in the limiter."""
    limit = TokenRateLimit(settings(), Metrics(), Clock(0.0), pause=0)
    app = Starlette(routes=[Route("/oauth/token", limit.wrap(endpoint), methods=["POST"])])
    nested = base64.urlsafe_b64encode(b"[" * 5000).decode().rstrip("=")

    async def run() -> int:
        await limit.start()
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://osezia") as http:
                form = {"client_assertion": f"e30.{nested}.c2ln"}
                return (await http.post("/oauth/token", data=form)).status_code
        finally:
            await limit.close()

    assert asyncio.run(run()) == 401
