"""A batch of people's keys in one trip to the key store, the erased among them told apart."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from osezia.store.key_stores import MemoryKeys, Person, PersonErased
from osezia.store.keys import Keyring


class CountingKeys(MemoryKeys):
    """The memory key store, counting the trips asking for current keys."""

    def __init__(self) -> None:
        super().__init__()
        self.trips = 0

    def current(self, people: Collection[Person]) -> dict[Person, tuple[int, bytes]]:
        self.trips += 1
        return super().current(people)


LEARNERS = [("LEARNER", f"learner-{n}") for n in range(4)]


def test_a_batch_holding_an_erased_person_gets_the_others_keys_and_the_erased_in_one_trip() -> None:
    store = CountingKeys()
    store.destroy(LEARNERS[1])  # erased: a tombstone, no key
    ring = Keyring(store)

    keys, erased = ring.sealing_or_erased(LEARNERS)

    assert store.trips == 1
    assert erased == [LEARNERS[1]]
    assert set(keys) == {LEARNERS[0], LEARNERS[2], LEARNERS[3]}
    assert len({k.kid for k in keys.values()}) == 3


def test_sealing_many_still_refuses_a_batch_holding_an_erased_person() -> None:
    store = CountingKeys()
    store.destroy(LEARNERS[2])
    ring = Keyring(store)

    with pytest.raises(PersonErased) as refused:
        ring.sealing_many(LEARNERS)

    assert refused.value.person == LEARNERS[2]


class TripCountingKeys(MemoryKeys):
    """The memory key store, recording each call the keyring makes of it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def generations(self, person: Person) -> list[int]:
        self.calls.append("generations")
        return super().generations(person)

    def destroy(self, person: Person, below: int | None = None) -> list[int]:
        self.calls.append("destroy")
        return super().destroy(person, below)


def test_a_rectification_destroys_the_generations_before_its_own_in_one_trip() -> None:
    store = TripCountingKeys()
    person = LEARNERS[0]
    store.current([person])
    store.next_generation(person)
    store.next_generation(person)
    ring = Keyring(store)

    assert ring.destroy_old_generations(person, below=3) == 2
    assert store.calls == ["destroy"]
    assert store.generations(person) == [3]
    assert ring.destroy_old_generations(person, below=3) == 0
    assert ring.sealing(person).kid > 0  # not erased: the newest key seals on


def test_a_rectification_keeps_the_newer_generation_a_concurrent_one_made() -> None:
    """Two corrections of one person at once: the first ends after the second made its
    generation. The first's value may be sealed under either new key: both stay."""
    store = MemoryKeys()
    person = LEARNERS[0]
    store.current([person])
    ring = Keyring(store)
    first = ring.new_generation(person)
    second = ring.new_generation(person)

    assert ring.destroy_old_generations(person, below=first) == 1
    assert store.generations(person) == [first, second]
