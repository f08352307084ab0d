"""`/metrics` and `/healthz` for `osezia project` and `osezia worker`, each on a port of its own.

A small HTTP server runs in the process's own event loop, so a loop that is stuck answers
nothing and the prober's timeout reports it. `/healthz` answers 200 while the process's last
contact with its database succeeded, less than `Health.stale_after` seconds ago, and 503
otherwise, with the reason in one line. `/metrics` is prometheus-client's exposition of the
process's registry (its process and GC collectors included); as on the API, in production it
is served only to a holder of OSEZIA_METRICS_TOKEN.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from dataclasses import dataclass, field

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from osezia.observability.healthcheck import ROLE_PORTS
from osezia.store.settings import Settings

log = logging.getLogger("osezia.probe")

READ_TIMEOUT = 5.0  # seconds a prober may take to send its request
MAX_REQUEST_BYTES = 8192


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header's value bears this token (compared in constant time):
    what Prometheus sends to every /metrics, the API's and the probes'."""
    scheme, _, given = (authorization or "").strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def probe_port(settings: Settings, role: str) -> int:
    """OSEZIA_METRICS_PORT, or the role's own default (project 9101, worker 9102)."""
    return settings.metrics_port or ROLE_PORTS[role]


@dataclass
class Health:
    """The last contact with the database, as the process's own work reports it."""

    stale_after: float = 30.0
    last_success: float | None = None
    failure: str | None = "no database contact yet"
    contacted_at: float = field(default_factory=time.time)  # wall clock, for the metric

    def succeeded(self) -> None:
        self.last_success, self.failure = time.monotonic(), None
        self.contacted_at = time.time()

    def failed(self, reason: str) -> None:
        self.failure = reason

    def verdict(self) -> tuple[bool, str]:
        if self.failure is not None:
            return False, self.failure
        assert self.last_success is not None  # a success cleared the failure
        age = time.monotonic() - self.last_success
        if age > self.stale_after:
            return False, f"no database contact for {age:.0f} s"
        return True, "ok"


class Probe:
    def __init__(
        self,
        health: Health,
        *,
        metrics: bool = True,
        token: str | None = None,
        registry: CollectorRegistry = REGISTRY,
    ) -> None:
        self.health = health
        self._metrics, self._token, self._registry = metrics, token, registry
        self._server: asyncio.Server | None = None

    @classmethod
    def for_settings(cls, health: Health, settings: Settings) -> Probe:
        # In production the metrics (which name every tenant) need OSEZIA_METRICS_TOKEN.
        metrics = settings.metrics_token is not None or not settings.is_production
        return cls(health, metrics=metrics, token=settings.metrics_token)

    async def start(self, host: str, port: int) -> bool:
        """Listen on host:port; a port already taken is logged, and the process goes on
        without its probe rather than not at all (its healthcheck then tells)."""
        try:
            self._server = await asyncio.start_server(self._answer, host, port)
        except OSError as error:
            log.error("cannot serve /metrics and /healthz on %s:%d: %s", host, port, error)
            return False
        log.info("serving /metrics and /healthz on http://%s:%d", host, port)
        return True

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
            status, content_type, body = self._respond(head.decode("latin-1"))
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            status, content_type, body = 400, "text/plain", b"bad request\n"
        except ConnectionError:
            writer.close()
            return
        reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
        headers = [
            f"HTTP/1.1 {status} {reason.get(status, 'Service Unavailable')}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        if status == 401:
            headers.append('WWW-Authenticate: Bearer realm="osezia-metrics"')
        with contextlib.suppress(ConnectionError):
            writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
            await writer.drain()
        writer.close()

    def _respond(self, head: str) -> tuple[int, str, bytes]:
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or parts[0] != "GET":
            return 400, "text/plain", b"bad request\n"
        path = parts[1].split("?", 1)[0]
        if path == "/healthz":
            healthy, why = self.health.verdict()
            return (200 if healthy else 503), "text/plain", f"{why}\n".encode()
        if path == "/metrics" and self._metrics:
            if self._token is not None and not self._authorized(lines[1:]):
                return 401, "text/plain", b"a bearer token is required\n"
            return 200, CONTENT_TYPE_LATEST, generate_latest(self._registry)
        return 404, "text/plain", b"not found\n"

    def _authorized(self, header_lines: list[str]) -> bool:
        assert self._token is not None
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "authorization":
                return bearer_matches(value, self._token)
        return False
