"""The GraphQL rate limit: what each client's requests may cost a minute.

A request costs 1 and the rows its lists may return, as the query limits count them
(`osezia.graphql.limits.operation_cost`: a page of 50 companies costs 51, a dashboard's figures
1). Each client (the token's client, or the OpenID provider's subject) may spend
`OSEZIA_GRAPHQL_COST_PER_MINUTE` in each one-minute window; a request beyond is answered 429
with the code `RATE_LIMITED` and `Retry-After` (the end of the window), and its cost is given
back. A document that does not parse costs 1: strawberry refuses it.

The counts are those of the token endpoint's limits (`osezia.web.auth.ratelimit`): in Redis with
REDIS_URL, so that every replica sees one budget, else (or while Redis does not answer) in this
process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from starlette.responses import JSONResponse, Response

from osezia.graphql.principal import Principal
from osezia.store.settings import Settings
from osezia.web.auth.ratelimit import WINDOW_SECONDS, Counts, MemoryCounts, RedisCounts

_MAX_NAME = 128  # a client's name, cut to this length in a counter's key


class GraphQLRateLimit:
    """Counts each client's cost per window; opens with the app and closes with it."""

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], float] = time.time,
        *,
        counts: Counts | None = None,
    ) -> None:
        self._budget = settings.graphql_cost_per_minute
        self._redis_url = settings.redis_url
        self._clock = clock
        self._given = counts
        self._counts: Counts | None = None

    async def start(self) -> None:
        if self._budget == 0:
            return  # no limit: nothing to count
        url = self._redis_url
        self._counts = self._given or (RedisCounts(url) if url is not None else MemoryCounts())

    async def close(self) -> None:
        if self._counts is not None:
            await self._counts.close()

    async def refusal(self, principal: Principal, cost: int) -> Response | None:
        """Count the request's cost; the 429 to answer when it goes beyond the budget."""
        counts = self._counts
        if counts is None:
            return None
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        client = (principal.client_id or principal.subject)[:_MAX_NAME]
        key = f"graphql:{principal.tenant}:{client}"
        if await counts.add(key, window, cost) <= self._budget:
            return None
        await counts.add(key, window, -cost)  # not spent: refused
        retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        return rate_limited(self._budget, cost, retry_after)


def rate_limited(budget: int, cost: int, retry_after: int) -> Response:
    message = (
        f"this client's GraphQL requests may cost {budget} a minute, and this one costs {cost}: "
        f"retry in {retry_after} s, or ask for smaller pages"
    )
    error = {"message": message, "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after}}
    return JSONResponse(
        {"errors": [error]}, status_code=429, headers={"Retry-After": str(retry_after)}
    )
