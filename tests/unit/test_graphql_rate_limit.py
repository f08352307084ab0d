"""The GraphQL cost budget, on counts shared as Redis shares them between replicas (in memory
here: the e2e tests count in Redis itself), on a clock the tests move."""

from __future__ import annotations

import asyncio
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.graphql.principal import Principal
from osezia.store.settings import Settings
from osezia.web.auth.ratelimit import MemoryCounts
from osezia.web.ratelimit import BATCHES, GraphQLRateLimit

CLIENT = Principal("cci", "analyst", frozenset({"read"}), "client-1", client_id="client-1")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def limits(
    budget: int, replicas: int, counts: MemoryCounts, clock: Clock
) -> list[GraphQLRateLimit]:
    settings = Settings(
        database_url=None, host="127.0.0.1", port=8000, graphql_cost_per_minute=budget
    )
    started = [GraphQLRateLimit(settings, clock, counts=counts) for _ in range(replicas)]
    for limit in started:
        asyncio.run(limit.start())
    return started


def admitted(limit: GraphQLRateLimit, cost: int) -> bool:
    return asyncio.run(limit.refusal(CLIENT, cost)) is None


@given(budget=st.integers(1, 5000), costs=st.lists(st.integers(1, 1001), max_size=60))
def test_one_replica_admits_exactly_what_fits_in_the_budget(budget: int, costs: list[int]) -> None:
    (limit,) = limits(budget, 1, MemoryCounts(), Clock(0.0))
    spent = 0

    for cost in costs:
        assert admitted(limit, cost) == (spent + cost <= budget)
        spent += cost if spent + cost <= budget else 0


@given(
    budget=st.integers(1, 5000),
    requests=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 300)), max_size=80),
)
def test_replicas_sharing_counts_admit_at_most_two_batches_each_beyond_the_budget(
    budget: int, requests: list[tuple[int, int]]
) -> None:
    replicas = limits(budget, 3, MemoryCounts(), Clock(0.0))
    batch = max(1, budget // BATCHES)

    spent = sum(cost for replica, cost in requests if admitted(replicas[replica], cost))

    # A budget counted at every request (a batch of 1) is never passed.
    assert spent <= budget + (0 if batch == 1 else 2 * batch * len(replicas))


def test_small_budgets_are_counted_at_every_request_large_ones_in_batches() -> None:
    counts = MemoryCounts()
    small, large = limits(100, 1, counts, Clock(0.0)), limits(10_000, 1, MemoryCounts(), Clock(0.0))
    window = 0

    assert admitted(small[0], 31)
    shared_small = asyncio.run(counts.get("graphql:cci:client-1", window))
    for _ in range(99):
        assert admitted(large[0], 1)

    assert shared_small == 31  # sent at once
    assert asyncio.run(large[0]._counts.get("graphql:cci:client-1", window)) == 0  # type: ignore[union-attr]
    assert admitted(large[0], 1)  # the hundredth: one batch of 100 sent
    assert asyncio.run(large[0]._counts.get("graphql:cci:client-1", window)) == 100  # type: ignore[union-attr]


def test_the_budget_is_whole_again_in_the_next_window_and_a_refusal_says_when() -> None:
    clock = Clock(600.0 + 45.5)
    (limit,) = limits(100, 1, MemoryCounts(), clock)

    assert admitted(limit, 100)
    refused = asyncio.run(limit.refusal(CLIENT, 1))
    clock.now += 15
    after = admitted(limit, 100)

    assert refused is not None
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "15"
    assert b'"RATE_LIMITED"' in bytes(refused.body)
    assert after


def test_another_client_has_a_budget_of_its_own_and_no_budget_counts_nothing() -> None:
    (limit,) = limits(10, 1, MemoryCounts(), Clock(0.0))
    other = Principal("cci", "analyst", frozenset({"read"}), "client-2", client_id="client-2")
    (unlimited,) = limits(0, 1, MemoryCounts(), Clock(0.0))

    assert admitted(limit, 10)
    assert not admitted(limit, 1)
    assert asyncio.run(limit.refusal(other, 10)) is None
    assert all(admitted(unlimited, 1001) for _ in range(100))


def test_with_redis_down_the_warning_names_the_graphql_cost_budgets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        database_url=None,
        host="127.0.0.1",
        port=8000,
        graphql_cost_per_minute=1,  # every request is sent to the counts
        redis_url="redis://127.0.0.1:1/0",
    )
    limit = GraphQLRateLimit(settings, Clock(0.0))

    async def run() -> bool:
        await limit.start()
        try:
            return await limit.refusal(CLIENT, 1) is None
        finally:
            await limit.close()

    with caplog.at_level(logging.WARNING, logger="osezia.web.auth.ratelimit"):
        assert asyncio.run(run())
    assert "GraphQL cost budgets are counted in this process only" in caplog.text
    assert "token" not in caplog.text
