"""Unit tests run the applications on eventsourcing's in-memory store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from osezia.domain.companies.application import Companies
from osezia.store.keys import Keyring, MemoryKeys, using_keyring
from osezia.tenants.networks import NETWORKS

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture(autouse=True)
def memory_keys() -> Iterator[Keyring]:
    """Personal fields are encrypted under keys kept in memory, a new key store each test."""
    with using_keyring(Keyring(MemoryKeys())) as ring:
        yield ring


@pytest.fixture
def companies() -> Companies:
    return Companies(env=MEMORY, networks=NETWORKS)
