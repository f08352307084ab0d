"""The response cache's memory and what it agrees to keep, without a database."""

from __future__ import annotations

from datetime import date

from osezia.web.cache import (
    CacheKey,
    ResponseCache,
    analyse,
    cache_key,
    document_digest,
    may_serve_cached,
)


def key(n: int) -> CacheKey:
    return cache_key(
        tenant="cci",
        role="analyst",
        scopes=frozenset(),
        digest=document_digest("{ x }"),
        request={"variables": {"n": n}},
        state=(1, 1, 1, 1),
        today=date(2026, 3, 2),
    )


def test_the_least_recently_used_entry_goes_first_when_the_count_is_reached() -> None:
    cache = ResponseCache(max_entries=2)
    cache.put(key(1), b"one")
    cache.put(key(2), b"two")
    assert cache.get(key(1)) == b"one"  # 2 is now the least recently used

    cache.put(key(3), b"three")

    assert cache.get(key(2)) is None
    assert cache.get(key(1)) == b"one"
    assert cache.get(key(3)) == b"three"
    assert len(cache) == 2


def test_the_byte_budget_bounds_the_cache_and_an_oversized_answer_is_not_kept() -> None:
    cache = ResponseCache(max_bytes=3_000)
    for n in range(10):
        cache.put(key(n), b"x" * 1000)
    cache.put(key(99), b"x" * 2_000_000)

    assert cache.bytes <= 3_000
    assert len(cache) == 2
    assert cache.get(key(99)) is None


def test_only_queries_without_volatile_fields_are_cacheable() -> None:
    assert analyse("query Q { companies { totalCount } }", None).cacheable
    assert not analyse("mutation M { registerCompany { __typename } }", None).cacheable
    assert not analyse("subscription S { diagnosticChanged { status } }", None).cacheable
    assert not analyse("{ projectionStatus { head } }", None).cacheable
    hidden = "query Q { ...F } fragment F on Query { status: projectionStatus { lagSeconds } }"
    assert not analyse(hidden, None).cacheable


def test_the_operation_that_runs_is_the_one_named_or_the_only_one() -> None:
    document = "query Read { companies { totalCount } } mutation Write { x }"

    assert analyse(document, "Read") == analyse("query Read { companies { totalCount } }", None)
    assert analyse(document, "Read").name == "Read"
    assert not analyse(document, "Write").cacheable
    assert not analyse(document, None).cacheable  # ambiguous: strawberry refuses it
    assert not analyse(document, "Missing").cacheable
    assert not analyse("query {", None).cacheable  # a syntax error is strawberry's to report


def test_the_key_ignores_the_order_of_variables_but_not_their_values_or_the_caller() -> None:
    digest = document_digest("query ($a: Int, $b: Int) { x }")

    def of(
        variables: dict[str, object], role: str = "analyst", today: date = date(2026, 3, 2)
    ) -> CacheKey:
        return cache_key(
            tenant="cci",
            role=role,
            scopes=frozenset({"read"}),
            digest=digest,
            request={"variables": variables},
            state=(1, 10, 1, 10),
            today=today,
        )

    assert of({"a": 1, "b": {"c": 1, "d": 2}}) == of({"b": {"d": 2, "c": 1}, "a": 1})
    assert of({"a": 1}) != of({"a": 2})
    assert of({"a": 1}) != of({"a": 1}, role="officer")
    # After midnight in France, "as of today" is another day: another answer.
    assert of({"a": 1}) != of({"a": 1}, today=date(2026, 3, 3))


def test_any_json_a_client_sends_makes_a_key() -> None:
    key = cache_key(
        tenant="cci",
        role="analyst",
        scopes=frozenset(),
        digest=document_digest("{ x }"),
        request={"variables": [1, {"b": None}], "operationName": ["x"], "extensions": 3.5},
        state=(1, 1, 1, 1),
        today=date(2026, 3, 2),
    )

    assert hash(key)


def test_a_consistency_token_is_served_from_the_cache_only_once_reached() -> None:
    assert may_serve_cached(None, 10)
    assert may_serve_cached("10", 10)
    assert not may_serve_cached("11", 10)
    assert not may_serve_cached("soon", 10)
    assert not may_serve_cached("-1", 10)
