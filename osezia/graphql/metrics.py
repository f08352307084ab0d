"""Prometheus metrics in the text exposition format (0.0.4), kept in the process.

Written by hand rather than with prometheus-client: a few counters and histograms, one process,
no multiprocess mode, and nothing on the hot path but a dict update. Label values that clients
choose (operation names) are bounded, so a client cannot make the series grow without limit.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osezia.projections.status import ProjectionStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_OPERATION_NAMES = 200  # beyond, new names are counted as "other"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")

Labels = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _series(names: Labels, values: Labels, extra: str = "") -> str:
    pairs = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        pairs.append(extra)
    return "{" + ",".join(pairs) + "}" if pairs else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Counter:
    name: str
    help: str
    labels: Labels
    values: dict[Labels, float] = field(default_factory=dict)

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def render(self) -> Iterator[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for labels, value in sorted(self.values.items()):
            yield f"{self.name}{_series(self.labels, labels)} {_number(value)}"


@dataclass
class _Buckets:
    counts: list[int]  # per bucket, not cumulative; the last one is +Inf
    total: float = 0.0
    count: int = 0


@dataclass
class Histogram:
    name: str
    help: str
    labels: Labels
    buckets: tuple[float, ...] = LATENCY_BUCKETS
    series: dict[Labels, _Buckets] = field(default_factory=dict)

    def observe(self, value: float, *labels: str) -> None:
        found = self.series.get(labels)
        if found is None:
            found = self.series[labels] = _Buckets([0] * (len(self.buckets) + 1))
        found.counts[bisect.bisect_left(self.buckets, value)] += 1
        found.total += value
        found.count += 1

    def render(self) -> Iterator[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for labels, found in sorted(self.series.items()):
            cumulative = 0
            bounds = [*(_number(b) for b in self.buckets), "+Inf"]
            for bound, count in zip(bounds, found.counts, strict=True):
                cumulative += count
                le = f'le="{bound}"'
                yield f"{self.name}_bucket{_series(self.labels, labels, le)} {cumulative}"
            yield f"{self.name}_sum{_series(self.labels, labels)} {_number(found.total)}"
            yield f"{self.name}_count{_series(self.labels, labels)} {found.count}"


def gauge(name: str, help: str, samples: Iterable[tuple[Labels, Labels, float]]) -> list[str]:
    """A gauge computed at scrape time, from (label names, label values, value) samples."""
    lines = [f"# HELP {name} {help}", f"# TYPE {name} gauge"]
    lines += [f"{name}{_series(names, values)} {_number(v)}" for names, values, v in samples]
    return lines


class Metrics:
    """What the API counts while it serves; /metrics adds what it measures at scrape time."""

    def __init__(self) -> None:
        self.http_seconds = Histogram(
            "osezia_http_request_duration_seconds", "Time to answer an HTTP request.", ("route",)
        )
        self.http_requests = Counter(
            "osezia_http_requests_total", "HTTP requests answered.", ("route", "status")
        )
        self.graphql_seconds = Histogram(
            "osezia_graphql_request_duration_seconds",
            "Time to answer a GraphQL request over HTTP, by operation name.",
            ("operation",),
        )
        self.graphql_requests = Counter(
            "osezia_graphql_requests_total",
            "GraphQL requests over HTTP by operation and outcome: ok, errors (a GraphQL answer "
            "with errors), unauthorized (401), rejected (another 4xx).",
            ("operation", "outcome"),
        )
        self.cache_requests = Counter(
            "osezia_response_cache_requests_total",
            "Cacheable GraphQL queries, by whether the response cache answered them.",
            ("result",),
        )
        self.token_requests_limited = Counter(
            "osezia_token_requests_limited_total",
            "Token requests refused with 429, by the limit they reached: client or address.",
            ("key",),
        )
        self._operations: set[str] = set()

    def operation(self, name: str | None) -> str:
        """The label for an operation name: bounded in length, characters and number."""
        if name is None:
            return "anonymous"
        if not _NAME.fullmatch(name):
            return "invalid"
        if name not in self._operations:
            if len(self._operations) >= MAX_OPERATION_NAMES:
                return "other"
            self._operations.add(name)
        return name

    def graphql_request(self, operation: str, outcome: str, seconds: float) -> None:
        self.graphql_seconds.observe(seconds, operation)
        self.graphql_requests.inc(operation, outcome)

    def render(self, scraped: Iterable[str] = ()) -> str:
        lines: list[str] = []
        for metric in (
            self.http_seconds,
            self.http_requests,
            self.graphql_seconds,
            self.graphql_requests,
            self.cache_requests,
            self.token_requests_limited,
        ):
            lines.extend(metric.render())
        lines.extend(scraped)
        return "\n".join(lines) + "\n"


def projection_lines(statuses: Iterable[ProjectionStatus]) -> list[str]:
    """Each live target's projection: its position, and how far behind the log it is."""
    statuses = list(statuses)
    target = ("target",)
    return [
        *gauge(
            "osezia_projection_position",
            "Last event applied to the target's live read models.",
            [(target, (s.target,), s.position) for s in statuses],
        ),
        *gauge(
            "osezia_projection_lag_events",
            "Events in the log not yet applied to the target's live read models.",
            [(target, (s.target,), s.lag_events) for s in statuses],
        ),
        *gauge(
            "osezia_projection_lag_seconds",
            "Age of the oldest event not yet applied (0 when up to date).",
            [(target, (s.target,), s.lag_seconds) for s in statuses],
        ),
        *gauge(
            "osezia_projection_rebuilding",
            "1 while a rebuild of the target's read models is in progress.",
            [(target, (s.target,), 1 if s.rebuild else 0) for s in statuses],
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
