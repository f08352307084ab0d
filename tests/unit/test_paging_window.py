"""Relay's page arguments: `first` or `last`, within the page limit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.errors import InvalidValue
from osezia.projections.paging import DEFAULT_PAGE, MAX_PAGE, page_size


def test_without_first_or_last_a_page_is_the_first_default_rows() -> None:
    assert page_size(None, None) == (DEFAULT_PAGE, False)


@given(size=st.integers(1, MAX_PAGE))
def test_first_pages_forward_and_last_backward(size: int) -> None:
    assert page_size(size, None) == (size, False)
    assert page_size(None, size) == (size, True)


@given(size=st.integers(-(2**31), 2**31 - 1).filter(lambda n: not 1 <= n <= MAX_PAGE))
def test_a_page_outside_the_limit_is_refused_naming_its_argument(size: int) -> None:
    with pytest.raises(InvalidValue, match=f"first must be between 1 and {MAX_PAGE}"):
        page_size(size, None)
    with pytest.raises(InvalidValue, match=f"last must be between 1 and {MAX_PAGE}"):
        page_size(None, size)


def test_first_and_last_together_are_refused() -> None:
    with pytest.raises(InvalidValue, match="not both"):
        page_size(10, 10)
