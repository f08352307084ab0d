"""What `osezia project` and `osezia worker` share as long-running processes: their logging,
their probe, and how they wait before trying the database again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

import asyncpg
import psycopg
from eventsourcing.persistence import PersistenceError

from osezia.observability import logs
from osezia.observability.probe import Health, Probe, probe_port
from osezia.store.settings import Settings
from osezia.workers import metrics

FIRST_RETRY_SECONDS = 0.5
MAX_RETRY_SECONDS = 10.0  # a restarted database is found again within this, once it answers

# What an unreachable, restarting or migrating database (or Redis) raises: said in one line.
# Anything else is said with its traceback the first time in a row it happens.
_OUTAGES: tuple[type[Exception], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a connection that broke in the middle of a statement
    psycopg.Error,
    PersistenceError,
    OSError,
    TimeoutError,
)


def outages() -> tuple[type[Exception], ...]:
    """The outages' exception classes (`except outages() as error`), with those of alembic's
    sqlalchemy (a rebuild migrating its new schema) and of Redis once they are loaded: a
    library never imported raised nothing, and the API imports neither unless it uses them."""
    loaded = []
    if (sqlalchemy := sys.modules.get("sqlalchemy.exc")) is not None:
        loaded.append(sqlalchemy.DBAPIError)
    if (redis := sys.modules.get("redis.exceptions")) is not None:
        loaded.append(redis.ConnectionError)
    return (*_OUTAGES, *loaded) if loaded else _OUTAGES


def configure_logging(settings: Settings, role: str) -> None:
    """The lines every osezia process writes (JSON in production), named for `role`."""
    logs.configure_logging(settings, role)
    # Each rebuild migrates its new data schema: alembic's line per migration says nothing
    # that the rebuild's own lines do not.
    logging.getLogger("alembic").setLevel(logging.WARNING)


async def start_probe(settings: Settings, role: str, health: Health) -> Probe:
    probe = Probe.for_settings(health, settings)
    await probe.start(settings.host, probe_port(settings, role))
    metrics.watch_health(health)
    return probe


def one_line(error: BaseException) -> str:
    """The error's class and the first line of its message."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


class Backoff:
    """Capped exponential waits between attempts; progress in between starts them over."""

    def __init__(self, log: logging.Logger, what: str, health: Health) -> None:
        self._log, self._what, self._health = log, what, health
        self._delay = FIRST_RETRY_SECONDS
        self._failures = 0
        self._previous: type[BaseException] | None = None
        self._success_seen = health.last_success

    def failed(self, error: Exception) -> float:
        """Record and log the failure; return how long to wait before the next attempt."""
        if self._health.last_success != self._success_seen:
            # It worked for a while since the last failure: a new outage, not a longer one.
            self._success_seen = self._health.last_success
            self._delay, self._failures, self._previous = FIRST_RETRY_SECONDS, 0, None
        self._failures += 1
        metrics.DATABASE_FAILURES.inc()
        reason = one_line(error)
        self._health.failed(reason)
        unexpected = not isinstance(error, outages()) and type(error) is not self._previous
        self._previous = type(error)
        self._log.warning(
            "%s failed (%s); attempt %d, next in %.1f s",
            self._what,
            reason,
            self._failures,
            self._delay,
            exc_info=error if unexpected else None,
            extra={"error": reason, "attempt": self._failures, "retry_in_s": self._delay},
        )
        delay = self._delay
        self._delay = min(self._delay * 2, MAX_RETRY_SECONDS)
        return delay

    def lost(self, reason: str) -> None:
        """The connection dropped while the work waited on something else: unhealthy now,
        before the attempt itself fails."""
        self._health.failed(reason)

    def succeeded(self) -> None:
        """Called after each database contact that worked: says so once after an outage."""
        if self._failures and self._health.failure is not None:
            self._log.info("%s works again after %d failed attempts", self._what, self._failures)
        self._health.succeeded()


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, unless `stop` is set first."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
