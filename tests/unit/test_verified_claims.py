"""Our own tokens' verified claims are kept until the token expires, and no longer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from osezia.web.auth.verified import VerifiedClaims


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_claims_are_kept_until_exp_then_forgotten() -> None:
    clock = Clock(1000.0)
    kept = VerifiedClaims(clock=clock)
    kept.keep("token-a", {"exp": 1060, "client_id": "a"})

    assert kept.get("token-a") == {"exp": 1060, "client_id": "a"}
    clock.now = 1059.9
    assert kept.get("token-a") is not None
    clock.now = 1060.0
    assert kept.get("token-a") is None
    assert len(kept) == 0


def test_another_token_is_not_found_and_claims_without_exp_are_not_kept() -> None:
    kept = VerifiedClaims(clock=Clock(0.0))
    kept.keep("token-a", {"exp": 60})
    kept.keep("token-b", {"client_id": "b"})

    assert kept.get("token-a ") is None
    assert kept.get("token-b") is None
    assert len(kept) == 1


def test_at_most_size_tokens_are_kept_the_least_recently_used_forgotten() -> None:
    kept = VerifiedClaims(size=2, clock=Clock(0.0))
    kept.keep("a", {"exp": 60})
    kept.keep("b", {"exp": 60})
    assert kept.get("a") is not None  # a is now the most recently used
    kept.keep("c", {"exp": 60})

    assert kept.get("b") is None
    assert kept.get("a") is not None
    assert kept.get("c") is not None


@given(
    expires=st.lists(st.integers(0, 100), min_size=1, max_size=20),
    now=st.integers(0, 120),
)
def test_a_token_is_found_exactly_while_it_has_not_expired(expires: list[int], now: int) -> None:
    clock = Clock(0.0)
    kept = VerifiedClaims(clock=clock)
    for n, exp in enumerate(expires):
        kept.keep(f"token-{n}", {"exp": exp})
    clock.now = now

    found = {n for n in range(len(expires)) if kept.get(f"token-{n}") is not None}

    assert found == {n for n, exp in enumerate(expires) if now < exp}
