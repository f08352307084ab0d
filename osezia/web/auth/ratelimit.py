"""Rate limits on /oauth/token, so that a flood of token requests starves no one.

Two counts per one-minute window (a fixed window: a burst across its edge may reach twice a
limit for a moment, which is still bounded):

- every request, per source address (`osezia.web.auth.peer`): at most
  `OSEZIA_TOKEN_RATE_PER_ADDRESS`;
- failed client authentications (401), per the client id the request claims: at most
  `OSEZIA_TOKEN_RATE_PER_CLIENT`. The claimed id is read without verifying anything (from the
  Basic header, or the `sub` of a `client_assertion`) and serves only as a counter's name.
  Only failures count: counting every request would let anyone who knows a client id lock it
  out with requests of their own, while a client with its right secret rarely fails. Someone
  who knows a client id can still block it by failing on purpose, for the rest of the window
  after they stop; the per-address limit bounds how fast any one source can try. A request is
  counted as it arrives and the count given back when it succeeds, so that requests in flight
  together cannot all pass the check: at most the limit of secrets are hashed per window.

Refused requests get 429 `too_many_requests` with `Retry-After` (the end of the window) before
the endpoint hashes anything, after a pause (1 s, or less when the window ends sooner): a
client flooding in a loop, which waits for each answer before its next request, then floods at
the pace of its pauses, not at the pace the server can answer. The pause holds no more than a
coroutine and a connection; beyond `MAX_PAUSED` refusals held at once, they are answered at
once.

With REDIS_URL, the counts live in Redis, shared by every replica. When Redis does not answer,
each process counts in its own memory instead (a warning says so) until Redis answers again: a
shared count is fairness between replicas, not a security boundary (secrets are 256 random
bits, guessing is hopeless), and refusing every token while Redis is down would turn its outage
into every partner's outage.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from osezia.store.settings import Settings
from osezia.web.auth.errors import NO_STORE, InvalidToken, TokenRequestError
from osezia.web.auth.peer import client_address
from osezia.web.auth.server import basic_credentials
from osezia.web.auth.token_endpoint import MAX_BODY
from osezia.web.auth.tokens import unverified_parts
from osezia.web.metrics import Metrics

if TYPE_CHECKING:
    # Imported by RedisCounts only, with REDIS_URL: without it, the API never loads redis.
    import redis.asyncio as aioredis

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
PREFIX = "osezia:ratelimit:"
MAX_MEMORY_KEYS = 100_000  # beyond, the oldest counts are forgotten
REDIS_TIMEOUT = 0.25  # seconds: a slow Redis must not become a slow token endpoint
REDIS_RETRY_SECONDS = 5.0  # after a failure, counted in memory this long before trying again
_MAX_CLIENT_ID = 128  # longer claimed ids are cut, so keys stay small
REFUSAL_PAUSE = 1.0  # seconds a refusal is held before it is answered
MAX_PAUSED = 1024  # refusals held at once, at most

Endpoint = Callable[[Request], Awaitable[Response]]


class Counts(Protocol):
    """Counters that last one window."""

    async def add(self, key: str, window: int, amount: int = 1) -> int:
        """Count `amount` more (or fewer) under `key` in `window`; the count after it."""
        ...

    async def get(self, key: str, window: int) -> int: ...

    async def close(self) -> None: ...


class MemoryCounts:
    """Counts in this process, at most `size` keys: the oldest are forgotten first."""

    def __init__(self, size: int = MAX_MEMORY_KEYS) -> None:
        self._size = size
        self._counts: OrderedDict[str, tuple[int, int]] = OrderedDict()

    async def add(self, key: str, window: int, amount: int = 1) -> int:
        found = self._counts.get(key)
        if found is not None and found[0] > window:
            return 0  # a window gone by (a request that spanned its end): nothing to count
        count = await self.get(key, window) + amount
        self._counts[key] = (window, count)
        self._counts.move_to_end(key)
        while len(self._counts) > self._size:
            self._counts.popitem(last=False)
        return count

    async def get(self, key: str, window: int) -> int:
        found = self._counts.get(key)
        return found[1] if found is not None and found[0] == window else 0

    async def close(self) -> None:
        self._counts.clear()


class RedisCounts:
    """Counts in Redis, shared by every process; in memory while Redis does not answer.
    `limits` names what they count in the warning that says so."""

    def __init__(
        self,
        url: str,
        clock: Callable[[], float] = time.monotonic,
        *,
        limits: str = "rate limits",
    ) -> None:
        import redis.asyncio as aioredis
        from redis.exceptions import RedisError

        self._limits = limits
        self._redis: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self._errors = (RedisError, OSError)  # what a Redis that does not answer raises
        self._fallback = MemoryCounts()
        self._clock = clock
        self._down_until = 0.0

    async def add(self, key: str, window: int, amount: int = 1) -> int:
        if self._down():
            return await self._fallback.add(key, window, amount)
        name = f"{PREFIX}{key}:{window}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incrby(name, amount)
                pipe.expire(name, 2 * WINDOW_SECONDS)
                count, _ = await pipe.execute()
        except self._errors as error:
            self._failed(error)
            return await self._fallback.add(key, window, amount)
        return int(count)

    async def get(self, key: str, window: int) -> int:
        if self._down():
            return await self._fallback.get(key, window)
        try:
            count = await self._redis.get(f"{PREFIX}{key}:{window}")
        except self._errors as error:
            self._failed(error)
            return await self._fallback.get(key, window)
        return int(count or 0)

    async def close(self) -> None:
        await self._redis.aclose()

    def _down(self) -> bool:
        return self._clock() < self._down_until

    def _failed(self, error: Exception) -> None:
        self._down_until = self._clock() + REDIS_RETRY_SECONDS
        log.warning(
            "%s are counted in this process only for %ss: Redis does not answer (%s)",
            self._limits,
            REDIS_RETRY_SECONDS,
            error,
        )


def window_of(now: float) -> int:
    """The one-minute window `now` falls in."""
    return int(now // WINDOW_SECONDS)


def retry_after(window: int, now: float) -> int:
    """Seconds until `window` ends, at least 1: a refusal's Retry-After."""
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


class CountedLimit:
    """A limit's counts: those given (a test's), else in Redis with REDIS_URL, else in this
    process. They open with the app (`start`) and close with it (`close`)."""

    def __init__(self, redis_url: str | None, counts: Counts | None, *, limits: str) -> None:
        self._redis_url, self._given, self._limits = redis_url, counts, limits
        self._counts: Counts | None = None  # None until started: nothing is counted

    async def start(self) -> None:
        url = self._redis_url
        self._counts = self._given or (
            RedisCounts(url, limits=self._limits) if url is not None else MemoryCounts()
        )

    async def close(self) -> None:
        if self._counts is not None:
            await self._counts.close()


def _basic_client_id(authorization: str) -> str | None:
    try:
        return basic_credentials(authorization)[0]
    except TokenRequestError:  # unreadable: the endpoint answers it, nothing is counted
        return None


def _assertion_subject(assertion: str) -> str | None:
    """The `sub` an unverified JWT claims: a name to count under, never an identity."""
    try:
        _, claims = unverified_parts(assertion)
    except InvalidToken:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) else None


async def claimed_client_id(request: Request) -> str | None:
    """The client id a token request claims, unverified, or None when it names none cheaply.

    The form is read only when its length is declared and small: Starlette keeps the body it
    read, so the endpoint reads the same bytes after this.
    """
    authorization = request.headers.get("authorization")
    if authorization is not None:
        claimed = _basic_client_id(authorization)
        return claimed[:_MAX_CLIENT_ID] if claimed else None
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length", "")
    if media_type != "application/x-www-form-urlencoded" or not length.isdigit():
        return None
    if int(length) > MAX_BODY:
        return None
    try:
        form = dict(parse_qsl((await request.body()).decode(), max_num_fields=16))
    except ValueError:  # not UTF-8, or too many fields
        return None
    assertion = form.get("client_assertion")
    claimed = _assertion_subject(assertion) if assertion else form.get("client_id")
    return claimed[:_MAX_CLIENT_ID] if claimed else None


def too_many_requests(kind: str, retry_after: int) -> Response:
    body = {
        "error": "too_many_requests",
        "error_description": f"too many token requests from this {kind}: retry in {retry_after} s",
    }
    headers = {**NO_STORE, "Retry-After": str(retry_after)}
    return JSONResponse(body, status_code=429, headers=headers)


class TokenRateLimit(CountedLimit):
    """Wraps the token endpoint in the two limits; its counts open with the app and close with
    it (`start`, `close`)."""

    def __init__(
        self,
        settings: Settings,
        metrics: Metrics,
        clock: Callable[[], float] = time.time,
        *,
        counts: Counts | None = None,
        pause: float = REFUSAL_PAUSE,
        max_paused: int = MAX_PAUSED,
    ) -> None:
        super().__init__(settings.redis_url, counts, limits="token rate limits")
        self._settings, self._metrics, self._clock = settings, metrics, clock
        self._pause, self._max_paused, self._paused = pause, max_paused, 0
        self._refusing: set[str] = set()  # keys found over their limit in this window
        self._refusing_window = 0

    def wrap(self, endpoint: Endpoint) -> Endpoint:
        async def limited(request: Request) -> Response:
            return await self._limited(request, endpoint)

        return limited

    async def _limited(self, request: Request, endpoint: Endpoint) -> Response:
        counts = self._counts
        if counts is None:  # not started: nothing to count with
            return await endpoint(request)
        now = self._clock()
        window = window_of(now)
        wait = retry_after(window, now)
        peer = request.client.host if request.client is not None else None
        forwarded = request.headers.getlist("x-forwarded-for")
        address = client_address(peer, forwarded, self._settings.trusted_proxies)
        per_address = self._settings.token_rate_per_address
        if await self._over(counts, f"address:{address}", window, per_address):
            return await self._refused("address", wait)
        client_id = await claimed_client_id(request)
        if client_id is None:
            return await endpoint(request)
        failures = f"client:{client_id}"
        if await self._over(counts, failures, window, self._settings.token_rate_per_client):
            return await self._refused("client", wait)
        response = await endpoint(request)
        if response.status_code != 401:
            await counts.add(failures, window, -1)  # not a failure: given back
        return response

    async def _over(self, counts: Counts, key: str, window: int, limit: int) -> bool:
        """Has `key` gone over `limit` in `window`, counting this request?

        A key found over its limit is refused by this process until the window ends without
        counting again (a flood's refusals then cost no round trip to Redis): within a window a
        count only grows, but for a success in flight giving its count back, which is not
        waited for. A refusal's count is not given back either.
        """
        if window != self._refusing_window:
            self._refusing, self._refusing_window = set(), window
        if key in self._refusing:
            return True
        if await counts.add(key, window) <= limit:
            return False
        if len(self._refusing) < MAX_MEMORY_KEYS:
            self._refusing.add(key)
        return True

    async def _refused(self, kind: str, retry_after: int) -> Response:
        self._metrics.token_requests_limited.inc(kind)
        if self._paused < self._max_paused:
            self._paused += 1
            try:
                await asyncio.sleep(min(self._pause, retry_after))
            finally:
                self._paused -= 1
        return too_many_requests(kind, retry_after)
