"""/metrics over real HTTP against `osezia serve`: Prometheus's text format, latency by operation,
outcomes, the response cache's hits and misses, and each tenant's projection lag; served only to
the holder of OSEZIA_METRICS_TOKEN when one is set."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import access_token, migrated, serving

METRICS_TOKEN = "prometheus-scrapes-with-this-secret"
SAMPLE = re.compile(
    r'^[a-z_]+(\{([a-z_]+="[^"\n]*",?)*\})? -?[0-9.e+-]+$|^[a-z_]+\{.*le="\+Inf".*\} \d+$'
)


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    migrated(database_url)
    log_path = tmp_path_factory.mktemp("metrics") / "serve.log"
    with serving(database_url, log_path, OSEZIA_METRICS_TOKEN=METRICS_TOKEN) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def token(api: str, database_url: str) -> str:
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as clients:
        return access_token(api, clients, "cci", role="analyst")


def scrape(api: str) -> str:
    response = httpx.get(f"{api}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return response.text


def value(text: str, series: str) -> float:
    for line in text.splitlines():
        name, _, number = line.rpartition(" ")
        if name == series:
            return float(number)
    raise AssertionError(f"no sample {series} in:\n{text}")


def test_metrics_need_the_metrics_token(api: str, token: str) -> None:
    without = httpx.get(f"{api}/metrics")
    wrong = httpx.get(f"{api}/metrics", headers={"Authorization": "Bearer not-the-token"})
    with_an_access_token = httpx.get(f"{api}/metrics", headers={"Authorization": f"Bearer {token}"})

    assert without.status_code == 401
    assert wrong.status_code == 401
    assert with_an_access_token.status_code == 401


def test_every_sample_is_in_the_prometheus_text_format(api: str, token: str) -> None:
    httpx.post(f"{api}/graphql", json={"query": "{ __typename }"}, headers=bearer(token))

    lines = [line for line in scrape(api).splitlines() if not line.startswith("# ")]

    assert lines
    assert [line for line in lines if not SAMPLE.match(line)] == []


def test_latency_and_outcomes_are_counted_by_operation_name(api: str, token: str) -> None:
    query = "query Dashboard { companyFigures { region companies } }"
    before = scrape(api)
    for _ in range(3):
        httpx.post(f"{api}/graphql", json={"query": query}, headers=bearer(token))
    httpx.post(f"{api}/graphql", json={"query": "query Broken { nothing }"}, headers=bearer(token))
    httpx.post(f"{api}/graphql", json={"query": query})  # no token

    after = scrape(api)

    count = 'osezia_graphql_request_duration_seconds_count{operation="Dashboard"}'
    ok = 'osezia_graphql_requests_total{operation="Dashboard",outcome="ok"}'
    assert value(after, count) == 3
    assert value(after, ok) == 3
    assert value(after, 'osezia_graphql_requests_total{operation="Broken",outcome="errors"}') == 1
    unauthorized = (
        'osezia_graphql_requests_total{operation="unauthenticated",outcome="unauthorized"}'
    )
    assert value(after, unauthorized) >= 1
    assert (
        value(
            after, 'osezia_graphql_request_duration_seconds_bucket{le="+Inf",operation="Dashboard"}'
        )
        == 3
    )
    graphql_200 = 'osezia_http_requests_total{route="/graphql",status="200"}'
    assert value(after, graphql_200) - value(before, graphql_200) == 4
    assert value(after, 'osezia_http_requests_total{route="/graphql",status="401"}') >= 1


def test_cache_hits_and_misses_are_counted(api: str, token: str) -> None:
    query = "query Count { companies(first: 5) { totalCount } }"
    settled(api)  # a position moving between the two requests would make the second miss
    before = scrape(api)
    first = httpx.post(f"{api}/graphql", json={"query": query}, headers=bearer(token))
    second = httpx.post(f"{api}/graphql", json={"query": query}, headers=bearer(token))

    after = scrape(api)

    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    for result in ("hit", "miss"):
        series = f'osezia_response_cache_requests_total{{result="{result}"}}'
        assert value(after, series) - value_or_zero(before, series) == 1
    assert value(after, "osezia_response_cache_entries") >= 1


def test_projection_lag_is_reported_for_each_tenant_and_the_platform(api: str) -> None:
    text = scrape(api)

    for target in ("platform", "cci", "bpifrance", "french-tech", "inria"):
        assert value(text, f'osezia_projection_lag_events{{target="{target}"}}') >= 0
        assert value(text, f'osezia_projection_lag_seconds{{target="{target}"}}') >= 0
        assert value(text, f'osezia_projection_position{{target="{target}"}}') >= 0


def test_the_process_its_pools_and_the_log_are_measured(api: str, token: str) -> None:
    httpx.post(f"{api}/graphql", json={"query": "{ __typename }"}, headers=bearer(token))

    text = scrape(api)

    assert value(text, "process_resident_memory_bytes") > 0
    assert value(text, 'python_gc_collections_total{generation="0"}') >= 0
    for pool in ("api", "readers", "service", "eventsourcing"):
        assert value(text, f'osezia_db_pool_max_connections{{pool="{pool}"}}') >= 1
        used = value(text, f'osezia_db_pool_connections{{pool="{pool}",state="used"}}')
        idle = value(text, f'osezia_db_pool_connections{{pool="{pool}",state="idle"}}')
        assert min(used, idle) >= 0
        assert used + idle >= 1  # each pool keeps a connection open
    assert value(text, 'osezia_db_pool_waiting{pool="eventsourcing"}') >= 0
    # Creating the client and its token appended events: the head is past them.
    assert value(text, "osezia_event_log_head") > 0
    assert value(text, "osezia_event_log_appends_per_second") >= 0


def test_appends_per_second_follow_the_log(api: str, database_url: str) -> None:
    scrape(api)  # the rate is measured since the previous scrape
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as clients:
        clients.create_client("cci", role="analyst", name="appends")

    assert value(scrape(api), "osezia_event_log_appends_per_second") > 0


def test_a_histograms_buckets_are_cumulative(api: str) -> None:
    text = scrape(api)
    series = [
        line
        for line in text.splitlines()
        if line.startswith("osezia_http_request_duration_seconds_bucket{")
        and 'route="/metrics"' in line
    ]

    counts = [float(line.rpartition(" ")[2]) for line in series]
    assert len(counts) == 14  # 13 bounds and +Inf
    assert counts == sorted(counts)
    assert counts[-1] == value(text, 'osezia_http_request_duration_seconds_count{route="/metrics"}')


def settled(api: str) -> None:
    """Wait until every read model has applied the whole log (creating a client appends)."""
    deadline = time.monotonic() + 10
    while any(
        line.startswith("osezia_projection_lag_events{") and float(line.rpartition(" ")[2]) != 0
        for line in scrape(api).splitlines()
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def value_or_zero(text: str, series: str) -> float:
    try:
        return value(text, series)
    except AssertionError:
        return 0.0
