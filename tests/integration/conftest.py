"""Integration tests run on the real PostgreSQL, from an empty history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.platform import Platform
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS
from tests.conftest import truncate_history


@pytest.fixture
def store_env(database_url: str) -> dict[str, str]:
    truncate_history(database_url)
    return Database.from_url(database_url).eventsourcing_env(pool_size=8)


@pytest.fixture
def companies(store_env: dict[str, str]) -> Iterator[Companies]:
    app = Companies(env=store_env, networks=NETWORKS)
    yield app
    app.close()


@pytest.fixture
def platform(store_env: dict[str, str]) -> Iterator[Platform]:
    """Every write application on an empty log."""
    app = Platform(store_env, networks=NETWORKS)
    yield app
    app.close()


@pytest.fixture
def tenants(platform: Platform, store_env: dict[str, str]) -> Tenants:
    """The tenant registry with the plan's five networks registered."""
    registry = Tenants(env=store_env, share_with=platform.companies)
    registry.seed_defaults()
    return registry
