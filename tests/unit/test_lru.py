"""The web edge's bounded memories forget their least recently used entry first."""

from __future__ import annotations

from osezia.web.lru import LRU


def test_beyond_its_size_the_least_recently_written_entry_is_forgotten() -> None:
    kept: LRU[str, int] = LRU(2)
    kept.put("a", 1)
    kept.put("b", 2)

    kept.put("c", 3)

    assert (kept.get("a"), kept.get("b"), kept.get("c"), len(kept)) == (None, 2, 3, 2)


def test_an_entry_read_is_kept_before_one_written_after_it() -> None:
    kept: LRU[str, int] = LRU(2)
    kept.put("a", 1)
    kept.put("b", 2)
    kept.get("a")

    kept.put("c", 3)

    assert (kept.get("a"), kept.get("b")) == (1, None)


def test_an_entry_written_again_is_kept_with_its_new_value_and_popped_is_gone() -> None:
    kept: LRU[str, int] = LRU(2)
    kept.put("a", 1)
    kept.put("b", 2)
    kept.put("a", 10)
    kept.put("c", 3)

    kept.pop("c")
    kept.pop("missing")

    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (10, None, None)
