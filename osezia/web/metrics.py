"""The API's Prometheus metrics, kept by prometheus-client.

/metrics serves, in the text exposition format 0.0.4: the process's default registry (process
and garbage-collector collectors, and whatever else of osezia registers there), the metrics the
API counts while it serves (each Metrics has a registry of its own, so that several apps can
live in one process, as tests build them), and the gauges measured at scrape time: each
target's projection, the connection pools, the log's head and its appends per second.

Label values that clients choose (operation names) are bounded, so a client cannot make the
series grow without limit.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

import asyncpg
import prometheus_client
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osezia.observability.logs import note
from osezia.projections.status import ProjectionStatus

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"  # set by `osezia serve --workers N`
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_OPERATION_NAMES = 200  # beyond, new names are counted as "other"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")

# A counter's `_created` twin doubles the series for a timestamp no alert reads.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]

Labels = tuple[str, ...]


class Counter:
    """A labelled prometheus-client counter, incremented with its label values in order."""

    def __init__(self, name: str, help: str, labels: Labels, registry: CollectorRegistry) -> None:
        self.labels = labels
        self._counter = prometheus_client.Counter(name, help, labels, registry=registry)

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        self._counter.labels(*labels).inc(amount)

    @property
    def values(self) -> dict[Labels, float]:
        """Each series' count, by its label values (for tests and for reading it here)."""
        return {
            tuple(sample.labels[n] for n in self.labels): sample.value
            for family in self._counter.collect()
            for sample in family.samples
            if sample.name.endswith("_total")
        }


class Histogram:
    """A labelled prometheus-client histogram, observed with its label values in order."""

    def __init__(
        self,
        name: str,
        help: str,
        labels: Labels,
        registry: CollectorRegistry,
        buckets: tuple[float, ...] = LATENCY_BUCKETS,
    ) -> None:
        self._histogram = prometheus_client.Histogram(
            name, help, labels, registry=registry, buckets=buckets
        )

    def observe(self, value: float, *labels: str) -> None:
        self._histogram.labels(*labels).observe(value)


def gauge(name: str, help: str, samples: Iterable[tuple[Labels, Labels, float]]) -> Metric:
    """A gauge measured at scrape time, from (label names, label values, value) samples."""
    family: GaugeMetricFamily | None = None
    for names, values, value in samples:
        if family is None:
            family = GaugeMetricFamily(name, help, labels=names)
        family.add_metric(values, value)
    return family or GaugeMetricFamily(name, help, labels=())


class _Measured:
    """A collector of families measured beforehand (asynchronously, by the scrape)."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


class Metrics:
    """What the API counts while it serves; /metrics adds what it measures at scrape time."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http_seconds = Histogram(
            "osezia_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ("route",),
            self.registry,
        )
        self.http_requests = Counter(
            "osezia_http_requests_total",
            "HTTP requests answered.",
            ("route", "status"),
            self.registry,
        )
        self.graphql_seconds = Histogram(
            "osezia_graphql_request_duration_seconds",
            "Time to answer a GraphQL request over HTTP, by operation name.",
            ("operation",),
            self.registry,
        )
        self.graphql_requests = Counter(
            "osezia_graphql_requests_total",
            "GraphQL requests over HTTP by operation and outcome: ok, errors (a GraphQL answer "
            "with errors), unauthorized (401), rejected (another 4xx).",
            ("operation", "outcome"),
            self.registry,
        )
        self.cache_requests = Counter(
            "osezia_response_cache_requests_total",
            "Cacheable GraphQL queries, by whether the response cache answered them.",
            ("result",),
            self.registry,
        )
        self.token_requests_limited = Counter(
            "osezia_token_requests_limited_total",
            "Token requests refused with 429, by the limit they reached: client or address.",
            ("key",),
            self.registry,
        )
        self._operations: set[str] = set()
        self._last_head: tuple[float, int] | None = None  # (monotonic time, log head)

    def operation(self, name: str | None) -> str:
        """The label for an operation name: bounded in length, characters and number. The
        request's log line gets the name itself when it is a valid one, even past the bound."""
        if name is None:
            label = "anonymous"
        elif not _NAME.fullmatch(name):
            label = "invalid"
        elif name in self._operations or len(self._operations) < MAX_OPERATION_NAMES:
            self._operations.add(name)
            label = name
        else:
            label = "other"
        note(operation=name if label == "other" else label)
        return label

    def graphql_request(self, operation: str, outcome: str, seconds: float) -> None:
        self.graphql_seconds.observe(seconds, operation)
        self.graphql_requests.inc(operation, outcome)
        note(outcome=outcome)

    def appends_per_second(self, head: int) -> float:
        """Events appended to the log per second since the last scrape (0 at the first)."""
        now = time.monotonic()
        last, self._last_head = self._last_head, (now, head)
        if last is None or now <= last[0]:
            return 0.0
        return max(head - last[1], 0) / (now - last[0])

    def render(self, scraped: Iterable[Metric] = ()) -> str:
        measured = CollectorRegistry(auto_describe=False)
        measured.register(_Measured(list(scraped)))
        registries: tuple[CollectorRegistry, ...] = (REGISTRY, self.registry, measured)
        if os.environ.get(MULTIPROCESS_DIRECTORY):
            # One of `osezia serve --workers N`'s processes: what every process counted, from
            # prometheus-client's files (this process's registries would hold its share only).
            every_process = CollectorRegistry(auto_describe=False)
            MultiProcessCollector(every_process)  # type: ignore[no-untyped-call]
            registries = (every_process, measured)
        return "".join(generate_latest(r).decode() for r in registries)


def projection_families(statuses: Iterable[ProjectionStatus]) -> list[Metric]:
    """Each live target's projection: its position, and how far behind the log it is."""
    statuses = list(statuses)
    target = ("target",)
    return [
        gauge(
            "osezia_projection_position",
            "Last event applied to the target's live read models.",
            [(target, (s.target,), s.position) for s in statuses],
        ),
        gauge(
            "osezia_projection_lag_events",
            "Events in the log not yet applied to the target's live read models.",
            [(target, (s.target,), s.lag_events) for s in statuses],
        ),
        gauge(
            "osezia_projection_lag_seconds",
            "Age of the oldest event not yet applied (0 when up to date).",
            [(target, (s.target,), s.lag_seconds) for s in statuses],
        ),
        gauge(
            "osezia_projection_rebuilding",
            "1 while a rebuild of the target's read models is in progress.",
            [(target, (s.target,), 1 if s.rebuild else 0) for s in statuses],
        ),
    ]


class PsycopgPool(Protocol):
    """What is read of psycopg_pool's ConnectionPool (eventsourcing's store)."""

    def get_stats(self) -> dict[str, int]: ...


def pool_families(
    asyncpg_pools: Mapping[str, asyncpg.Pool], psycopg_pools: Mapping[str, PsycopgPool]
) -> list[Metric]:
    """Connections of each pool: open and idle, in use, the most it may open, and (psycopg)
    requests waiting for one."""
    pool = ("pool",)
    state = ("pool", "state")
    connections: list[tuple[Labels, Labels, float]] = []
    maximum: list[tuple[Labels, Labels, float]] = []
    waiting: list[tuple[Labels, Labels, float]] = []
    for name, found in asyncpg_pools.items():
        idle = found.get_idle_size()
        connections += [
            (state, (name, "idle"), idle),
            (state, (name, "used"), found.get_size() - idle),
        ]
        maximum.append((pool, (name,), found.get_max_size()))
    for name, psycopg in psycopg_pools.items():
        stats = psycopg.get_stats()
        idle, size = stats.get("pool_available", 0), stats.get("pool_size", 0)
        connections += [(state, (name, "idle"), idle), (state, (name, "used"), size - idle)]
        maximum.append((pool, (name,), stats.get("pool_max", 0)))
        waiting.append((pool, (name,), stats.get("requests_waiting", 0)))
    return [
        gauge(
            "osezia_db_pool_connections", "Open connections of the pool, idle or used.", connections
        ),
        gauge("osezia_db_pool_max_connections", "Connections the pool may open.", maximum),
        gauge("osezia_db_pool_waiting", "Requests waiting for a connection of the pool.", waiting),
    ]


def log_families(head: int, appends_per_second: float) -> list[Metric]:
    return [
        gauge("osezia_event_log_head", "Id of the last event in the log.", [((), (), head)]),
        gauge(
            "osezia_event_log_appends_per_second",
            "Events appended to the log per second, over the time since the previous scrape.",
            [((), (), appends_per_second)],
        ),
    ]


class MeasureRequests:
    """ASGI middleware: latency and count of every HTTP request, by route and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: frozenset[str]) -> None:
        self._app, self._metrics, self._routes = app, metrics, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        route = scope["path"] if scope["path"] in self._routes else "other"
        status = 500  # unless the application answers

        async def measured_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self._app(scope, receive, measured_send)
        finally:
            self._metrics.http_seconds.observe(time.perf_counter() - started, route)
            self._metrics.http_requests.inc(route, str(status))
