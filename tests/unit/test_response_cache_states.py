"""The response cache forgets a tenant's answers as soon as its read models move: an answer
read before a person's erasure leaves memory with the next request, not when it is the least
recently used."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from osezia.web.cache import ResponseCache, State


def key(tenant: str, state: State, n: int = 0) -> tuple[object, ...]:
    return (tenant, n, state)


def test_the_answers_of_an_earlier_state_are_dropped_when_the_tenant_moves() -> None:
    cache = ResponseCache()
    before, after = (1, 10, 1, 10), (1, 11, 1, 11)
    cache.moved_to("cci", before)
    cache.put(key("cci", before), b"Zephyrine Quatremain")
    cache.put(key("inria", before), b"inria's")

    cache.moved_to("cci", after)

    assert cache.get(key("cci", before)) is None
    assert cache.get(key("inria", before)) == b"inria's"
    assert len(cache) == 1
    assert cache.bytes == len(b"inria's") + 256


def test_a_slow_requests_older_state_drops_nothing() -> None:
    cache = ResponseCache()
    cache.moved_to("cci", (1, 11, 1, 11))
    cache.put(key("cci", (1, 11, 1, 11)), b"now")

    cache.moved_to("cci", (1, 10, 1, 10))

    assert cache.get(key("cci", (1, 11, 1, 11))) == b"now"


@given(st.lists(st.tuples(st.sampled_from(["cci", "inria"]), st.integers(0, 5)), max_size=40))
def test_the_byte_count_is_always_what_the_entries_hold(
    steps: list[tuple[str, int]],
) -> None:
    cache = ResponseCache(max_entries=5)
    for tenant, n in steps:
        state = (1, n, 1, n)
        cache.moved_to(tenant, state)
        cache.put(key(tenant, state, n), b"x" * n)
    held = [cache.get(k) for tenant in ("cci", "inria") for k in cache._keys_of.get(tenant, ())]

    assert len(held) == len(cache)
    assert cache.bytes == sum(len(b) + 256 for b in held if b is not None)
