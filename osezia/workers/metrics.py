"""The metrics `osezia project` and `osezia worker` expose on their probe's /metrics.

Names apart from the API's (`osezia_projection_*`, measured by the API on each scrape): these
are what the projector and the workers themselves see, including while the API is down.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge, Histogram

from osezia.observability.probe import Health
from osezia.projections.rebuild import Outcome, Progress
from osezia.projections.runner import CatchUp
from osezia.projections.status import ProjectionStatus

TARGET = ("target",)

LOG_HEAD = Gauge("osezia_projector_log_head", "Last event id in the log, as the projector read it.")
POSITION = Gauge(
    "osezia_projector_position", "Last event applied to the target's live read models.", TARGET
)
LAG_EVENTS = Gauge(
    "osezia_projector_lag_events",
    "Log head minus the position of the target's live read models.",
    TARGET,
)
LAG_SECONDS = Gauge(
    "osezia_projector_lag_seconds",
    "Age of the oldest event the target's live read models have not applied (0 when current).",
    TARGET,
)
CATCH_UPS = Counter(
    "osezia_projector_catch_ups_total", "Catch-ups that applied events, by target.", TARGET
)
CAUGHT_UP_EVENTS = Counter(
    "osezia_projector_caught_up_events_total", "Events applied by catch-ups, by target.", TARGET
)
CATCH_UP_SECONDS = Histogram(
    "osezia_projector_catch_up_seconds",
    "Duration of a catch-up that applied events.",
    TARGET,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)

REBUILD_DONE = Gauge(
    "osezia_rebuild_events_done", "Events applied by the target's running rebuild.", TARGET
)
REBUILD_TOTAL = Gauge(
    "osezia_rebuild_events_total", "Log head when the running rebuild last looked.", TARGET
)
REBUILD_VERSION = Gauge(
    "osezia_rebuild_version", "Version the target's running rebuild builds.", TARGET
)
REBUILD_HEARTBEAT = Gauge(
    "osezia_rebuild_heartbeat_timestamp_seconds",
    "When the target's rebuild in this process last committed a batch (Unix time).",
    TARGET,
)
REBUILD_RUNS = Counter(
    "osezia_rebuild_runs_total",
    "Rebuild runs by how they ended: LIVE, PAUSED (lease used up), CANCELLED or FAILED.",
    ("target", "status"),
)

QUEUE_DEPTH = Gauge("osezia_worker_queue_depth", "Jobs waiting in the arq queue.")
DATABASE_FAILURES = Counter(
    "osezia_database_failures_total",
    "Failed contacts with the database (each one logged, then retried after a backoff).",
)
DATABASE_CONTACT = Gauge(
    "osezia_database_last_contact_timestamp_seconds",
    "When the process last reached its database (Unix time).",
)


def watch_health(health: Health) -> None:
    DATABASE_CONTACT.set_function(lambda: health.contacted_at)


def caught_up(report: CatchUp) -> None:
    CATCH_UPS.labels(report.target).inc()
    CAUGHT_UP_EVENTS.labels(report.target).inc(report.events)
    CATCH_UP_SECONDS.labels(report.target).observe(report.seconds)
    POSITION.labels(report.target).set(report.position)


def measured(head: int, statuses: list[ProjectionStatus]) -> None:
    LOG_HEAD.set(head)
    for status in statuses:
        POSITION.labels(status.target).set(status.position)
        LAG_EVENTS.labels(status.target).set(status.lag_events)
        LAG_SECONDS.labels(status.target).set(status.lag_seconds)


def rebuild_progressed(progress: Progress) -> None:
    REBUILD_VERSION.labels(progress.target).set(progress.version)
    REBUILD_DONE.labels(progress.target).set(progress.done)
    REBUILD_TOTAL.labels(progress.target).set(progress.total)
    REBUILD_HEARTBEAT.labels(progress.target).set(time.time())


def rebuild_ended(target: str, outcome: Outcome | None) -> None:
    REBUILD_RUNS.labels(target, outcome.status if outcome else "FAILED").inc()
    if outcome is not None and outcome.status == "LIVE":
        REBUILD_DONE.labels(target).set(outcome.position)
        REBUILD_TOTAL.labels(target).set(outcome.position)
