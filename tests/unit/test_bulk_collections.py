"""A bulk writer collects its short-lived objects less often while it runs, and leaves the
collector's thresholds as it found them, whatever happens inside."""

from __future__ import annotations

import gc

import pytest

from osezia.store.batches import BULK_YOUNG, fewer_collections


def test_the_thresholds_are_raised_inside_and_given_back_after() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        inside = gc.get_threshold()
    assert inside[0] == max(BULK_YOUNG, before[0])
    assert inside[1:] == before[1:]
    assert gc.get_threshold() == before


def test_the_thresholds_are_given_back_after_a_failure() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the import failed")
    assert gc.get_threshold() == before
