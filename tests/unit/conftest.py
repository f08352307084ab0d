"""Unit tests run the applications on eventsourcing's in-memory store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from osezia.domain.companies.application import Companies
from osezia.store.keys import Keyring, MemoryKeys, using_keyring
from osezia.tenants.networks import NETWORKS

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture(scope="package", autouse=True)
def session_memory_keys() -> Iterator[Keyring]:
    """The keys of what a module's fixtures write (made before any test's own fixture is): in
    memory as well, never the key store the settings name; until the unit tests end, so that
    the other tests of the same run find the key store they set up."""
    with using_keyring(Keyring(MemoryKeys())) as ring:
        yield ring


@pytest.fixture(autouse=True)
def memory_keys(session_memory_keys: Keyring) -> Iterator[Keyring]:
    """Personal fields are encrypted under keys kept in memory, a new key store each test."""
    with using_keyring(Keyring(MemoryKeys())) as ring:
        yield ring


@pytest.fixture
def companies() -> Companies:
    return Companies(env=MEMORY, networks=NETWORKS)
