"""The GraphQL rate limit: what each client's requests may cost a minute.

A request costs 1 and the rows its lists may return, as the query limits count them
(`osezia.graphql.limits.operation_cost`: a page of 50 companies costs 51, a dashboard's figures
1). Each client (the token's client, or the OpenID provider's subject) may spend
`OSEZIA_GRAPHQL_COST_PER_MINUTE` in each one-minute window; a request beyond is answered 429
with the code `RATE_LIMITED` and `Retry-After` (the end of the window), and its cost is given
back. A document that does not parse costs 1: strawberry refuses it.

The counts are those of the token endpoint's limits (`osezia.web.auth.ratelimit`): in Redis with
REDIS_URL, so that every replica sees one budget, else (or while Redis does not answer) in this
process. A round trip to Redis for each request would cost a cached answer a quarter of its
time: each process adds its costs up and sends them in one batch once they reach a hundredth of
the budget (every request, for a budget under 200), learning the others' counts from the
answer. A client may therefore spend, in a window, up to two batches per replica beyond its
budget (a fiftieth of it each), never more; a budget counted at every request is never passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.responses import Response

from osezia.graphql.principal import Principal
from osezia.store.settings import Settings
from osezia.web.auth.ratelimit import (
    MAX_MEMORY_KEYS,
    CountedLimit,
    Counts,
    retry_after,
    window_of,
)
from osezia.web.refusal import refusal

_MAX_NAME = 128  # a client's name, cut to this length in a counter's key
BATCHES = 100  # a process sends its costs once they reach this fraction of the budget


class GraphQLRateLimit(CountedLimit):
    """Counts each client's cost per window; opens with the app and closes with it."""

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], float] = time.time,
        *,
        counts: Counts | None = None,
    ) -> None:
        super().__init__(settings.redis_url, counts, limits="GraphQL cost budgets")
        self._budget = settings.graphql_cost_per_minute
        self._clock = clock
        self._batch = max(1, self._budget // BATCHES)
        # Per client: the window, its count in the shared counts when last sent, and the costs
        # this process has added since.
        self._seen: dict[str, tuple[int, int, int]] = {}

    async def start(self) -> None:
        if self._budget > 0:  # else no limit: nothing to count
            await super().start()

    async def refusal(self, principal: Principal, cost: int) -> Response | None:
        """Count the request's cost; the 429 to answer when it goes beyond the budget."""
        counts = self._counts
        if counts is None:
            return None
        now = self._clock()
        window = window_of(now)
        client = (principal.client_id or principal.subject)[:_MAX_NAME]
        key = f"graphql:{principal.tenant}:{client}"
        known, seen, pending = self._seen.get(key, (window, 0, 0))
        if known != window:
            seen, pending = 0, 0  # a new window: what was not sent was within one batch
        if seen + pending + cost > self._budget:  # its own costs and the others', as last seen
            return self._refused(window, now, cost)
        pending += cost
        if pending < self._batch:
            self._remember(key, (window, seen, pending))
            return None
        self._remember(key, (window, seen, 0))  # sent now: requests meanwhile add from zero
        total = await counts.add(key, window, pending)
        over = total > self._budget
        if over:  # the others spent the budget meanwhile: refused, its cost given back
            total = await counts.add(key, window, -cost)
        known, _, pending = self._seen.get(key, (window, 0, 0))
        self._remember(key, (window, total, pending if known == window else 0))
        return self._refused(window, now, cost) if over else None

    def _refused(self, window: int, now: float, cost: int) -> Response:
        return rate_limited(self._budget, cost, retry_after(window, now))

    def _remember(self, key: str, counted: tuple[int, int, int]) -> None:
        self._seen[key] = counted
        if len(self._seen) > MAX_MEMORY_KEYS:  # the oldest clients are forgotten first
            del self._seen[next(iter(self._seen))]


def rate_limited(budget: int, cost: int, wait: int) -> Response:
    message = (
        f"this client's GraphQL requests may cost {budget} a minute, and this one costs {cost}: "
        f"retry in {wait} s, or ask for smaller pages"
    )
    return refusal(
        429,
        "RATE_LIMITED",
        message,
        extensions={"retryAfter": wait},
        headers={"Retry-After": str(wait)},
    )
