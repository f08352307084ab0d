"""The API's metrics as prometheus-client writes them, with the process's own; without a
database (tests/e2e/test_metrics.py scrapes a running server)."""

from __future__ import annotations

from osezia.web.metrics import Histogram, Metrics


def test_a_histogram_renders_cumulative_buckets_a_sum_and_a_count() -> None:
    metrics = Metrics()
    latency = Histogram("latency_seconds", "Latency.", ("operation",), metrics.registry, (0.1, 1))
    for seconds in (0.05, 0.5, 0.5, 3.0):
        latency.observe(seconds, "Dashboard")

    lines = metrics.render().splitlines()

    assert 'latency_seconds_bucket{le="0.1",operation="Dashboard"} 1.0' in lines
    assert 'latency_seconds_bucket{le="1.0",operation="Dashboard"} 3.0' in lines
    assert 'latency_seconds_bucket{le="+Inf",operation="Dashboard"} 4.0' in lines
    assert 'latency_seconds_sum{operation="Dashboard"} 4.05' in lines
    assert 'latency_seconds_count{operation="Dashboard"} 4.0' in lines


def test_the_process_and_its_garbage_collector_are_measured() -> None:
    text = Metrics().render()

    assert "process_resident_memory_bytes " in text
    assert 'python_gc_collections_total{generation="0"}' in text


def test_a_counter_has_no_created_twin() -> None:
    metrics = Metrics()
    metrics.http_requests.inc("/graphql", "200")

    assert "osezia_http_requests_total" in metrics.render()
    assert "_created" not in metrics.render()
