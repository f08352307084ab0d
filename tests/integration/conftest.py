"""Integration tests run on the real PostgreSQL, from an empty history."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg
import pytest

from osezia.demo import build_demo
from osezia.domain.companies.application import Companies
from osezia.domain.platform import Platform
from osezia.store.bulk import append_events
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS
from tests.conftest import truncate_history
from tests.integration.projection_support import build_all, viewers_of


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


@pytest.fixture
def demo(database_url: str, platform: Platform, tenants: Tenants) -> Platform:
    """The demo's plan (60 companies) in the log, every network's read models built."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        append_events(conn, build_demo(companies=60).events)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    return platform
