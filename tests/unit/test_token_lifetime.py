"""An access token is refused when it is meant to last longer than the maximum: exp - iat, or
exp - now when it has no iat."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.web.auth.errors import InvalidToken
from osezia.web.auth.tokens import check_lifetime

MAXIMUM = 3600
instants = st.integers(min_value=0, max_value=2**33)
lifetimes = st.integers(min_value=-(2**20), max_value=2**20)


def accepted(claims: dict[str, int]) -> bool:
    try:
        check_lifetime(claims, MAXIMUM)
    except InvalidToken:
        return False
    return True


@given(iat=instants, lifetime=lifetimes)
def test_a_token_with_iat_is_refused_exactly_when_exp_minus_iat_exceeds_the_maximum(
    iat: int, lifetime: int
) -> None:
    assert accepted({"iat": iat, "exp": iat + lifetime}) is (lifetime <= MAXIMUM)


@given(
    remaining=st.integers(min_value=-(2**20), max_value=2**20).filter(
        lambda s: abs(s - MAXIMUM) > 60
    )
)
def test_a_token_without_iat_is_measured_from_now(remaining: int) -> None:
    # Away from the boundary by a minute: the clock moves while the check runs.
    assert accepted({"exp": int(time.time()) + remaining}) is (remaining <= MAXIMUM)


def test_the_refusal_names_the_maximum() -> None:
    with pytest.raises(InvalidToken, match=str(MAXIMUM)):
        check_lifetime({"iat": 0, "exp": MAXIMUM + 1}, MAXIMUM)
