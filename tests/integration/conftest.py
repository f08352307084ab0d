"""Integration tests run the applications on the real PostgreSQL, from an empty history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from osezia.config import Database
from osezia.domain.companies.application import Companies
from tests.conftest import truncate_history


@pytest.fixture
def store_env(database_url: str) -> dict[str, str]:
    truncate_history(database_url)
    return Database.from_url(database_url).eventsourcing_env(pool_size=8)


@pytest.fixture
def companies(store_env: dict[str, str]) -> Iterator[Companies]:
    app = Companies(env=store_env)
    yield app
    app.close()
