"""Unit tests run the applications on eventsourcing's in-memory store."""

from __future__ import annotations

import pytest

from osezia.domain.companies.application import Companies
from osezia.tenants.networks import NETWORKS

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def companies() -> Companies:
    return Companies(env=MEMORY, networks=NETWORKS)
