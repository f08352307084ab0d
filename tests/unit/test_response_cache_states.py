"""The response cache keeps only the answers of each tenant's current state: an answer read
before a person's erasure leaves memory with the next request, not when it is the least recently
used, and a slow request's answer of a state gone by is not kept."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from osezia.web.cache import CacheKey, ResponseCache, State, cache_key, document_digest


def key(tenant: str, state: State, n: int = 0) -> CacheKey:
    return cache_key(
        tenant=tenant,
        role="analyst",
        scopes=frozenset({"read"}),
        digest=document_digest("{ x }"),
        request={"variables": {"n": n}},
        state=state,
        today=date(2026, 3, 2),
    )


def test_the_answers_of_an_earlier_state_are_dropped_when_the_tenant_moves() -> None:
    cache = ResponseCache()
    before, after = (1, 10, 1, 10), (1, 11, 1, 11)
    cache.put(key("cci", before), b"Zephyrine Quatremain")
    cache.put(key("inria", before), b"inria's")

    assert cache.get(key("cci", after)) is None

    assert cache.get(key("cci", before)) is None
    assert cache.get(key("inria", before)) == b"inria's"
    assert len(cache) == 1
    assert cache.bytes == len(b"inria's") + 256


def test_a_slow_requests_older_state_drops_nothing() -> None:
    cache = ResponseCache()
    cache.put(key("cci", (1, 11, 1, 11)), b"now")

    assert cache.get(key("cci", (1, 10, 1, 10))) is None

    assert cache.get(key("cci", (1, 11, 1, 11))) == b"now"


def test_a_slow_requests_answer_of_a_state_gone_by_is_not_kept() -> None:
    cache = ResponseCache()
    slow, fast = key("cci", (1, 10, 1, 10), 0), key("cci", (1, 11, 1, 11), 1)
    assert cache.get(slow) is None  # arrives first
    assert cache.get(fast) is None  # arrives after the erasure was projected
    cache.put(fast, b"after")

    cache.put(slow, b"Zephyrine Quatremain")  # read before the erasure, answered last

    assert len(cache) == 1
    assert cache.get(fast) == b"after"


@given(
    st.lists(
        st.tuples(st.sampled_from(["cci", "inria"]), st.integers(0, 5), st.booleans()),
        max_size=40,
    )
)
def test_the_cache_holds_only_current_answers_and_counts_their_bytes(
    steps: list[tuple[str, int, bool]],
) -> None:
    cache = ResponseCache(max_entries=5)
    latest: dict[str, int] = {}
    for tenant, n, asks_first in steps:
        state = (1, n, 1, n)
        if asks_first:
            cache.get(key(tenant, state, n))
        cache.put(key(tenant, state, n), b"x" * n)
        latest[tenant] = max(n, latest.get(tenant, n))
    kept = [k for keys in cache._keys_of.values() for k in keys]

    assert len(kept) == len(cache)
    assert all(k.state == (1, latest[k.tenant], 1, latest[k.tenant]) for k in kept)
    assert cache.bytes == sum(len(cache.get(k) or b"") + 256 for k in kept)
