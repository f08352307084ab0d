"""Escaped labels, bounded labels, and where /metrics is served; without a database."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from osezia.store.settings import SettingsError, load_settings
from osezia.web.app import create_app
from osezia.web.metrics import MAX_OPERATION_NAMES, Metrics

DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/never-connected"


def test_label_values_are_escaped() -> None:
    metrics = Metrics()
    metrics.http_requests.inc('a"b\\c\nd', "200")

    assert 'route="a\\"b\\\\c\\nd"' in metrics.render()


def test_operation_names_a_client_chooses_cannot_grow_the_series_without_bound() -> None:
    metrics = Metrics()
    labels = {metrics.operation(f"Op{n}") for n in range(MAX_OPERATION_NAMES + 50)}

    assert len(labels) == MAX_OPERATION_NAMES + 1
    assert "other" in labels
    assert metrics.operation("Op0") == "Op0"  # names seen first keep their series
    assert metrics.operation('x" } evil') == "invalid"
    assert metrics.operation(None) == "anonymous"


PUBLIC = {"OSEZIA_PUBLIC_URL": "https://osezia.example.fr"}


def metrics_status(environ: dict[str, str]) -> int:
    app = create_app(load_settings({"DATABASE_URL": DATABASE_URL, **environ}), DATABASE_URL)

    async def get() -> int:
        transport = httpx.ASGITransport(app=app)  # no lifespan: nothing connects
        async with httpx.AsyncClient(transport=transport, base_url="http://osezia") as client:
            return (await client.get("/metrics")).status_code

    return asyncio.run(get())


def test_in_production_metrics_are_not_served_without_a_metrics_token() -> None:
    assert metrics_status({"OSEZIA_ENV": "production", **PUBLIC}) == 404


def test_a_metrics_token_is_required_once_set() -> None:
    token = {"OSEZIA_METRICS_TOKEN": "a-long-enough-random-secret"}
    assert metrics_status({"OSEZIA_ENV": "production", **PUBLIC, **token}) == 401


def test_a_short_metrics_token_is_refused_at_start() -> None:
    with pytest.raises(SettingsError, match="OSEZIA_METRICS_TOKEN"):
        load_settings({"OSEZIA_METRICS_TOKEN": "short"})


def test_allowed_origins_are_origins() -> None:
    allowed = "https://app.example.org, http://localhost:3000"
    settings = load_settings({"OSEZIA_ALLOWED_ORIGINS": allowed})

    assert settings.allowed_origins == ("https://app.example.org", "http://localhost:3000")
    for wrong in ("https://app.example.org/page", "app.example.org", "ftp://files.example.org"):
        with pytest.raises(SettingsError, match="OSEZIA_ALLOWED_ORIGINS"):
            load_settings({"OSEZIA_ALLOWED_ORIGINS": wrong})


def test_the_response_cache_is_switched_by_zero_or_one() -> None:
    assert load_settings({}).response_cache
    assert not load_settings({"OSEZIA_RESPONSE_CACHE": "0"}).response_cache
    with pytest.raises(SettingsError, match="OSEZIA_RESPONSE_CACHE"):
        load_settings({"OSEZIA_RESPONSE_CACHE": "off"})
