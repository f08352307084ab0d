"""What the server builds at start-up, in its own event loop, and how handlers reach it.

The application's lifespan (osezia.web.app) builds the services once the server runs and
yields them as Starlette's lifespan state: the server copies that state into every request's
and websocket's scope, where a handler reads it with `services_of(request)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from starlette.requests import HTTPConnection

from osezia.domain.platform import Platform
from osezia.projections.changes import ChangeHub
from osezia.projections.connections import ApiPool
from osezia.tenants.application import Tenants
from osezia.web.auth.authority import Authority
from osezia.web.cache import ReadModelStates

STATE_KEY = "services"  # the lifespan state's key, and so request.state's attribute


@dataclass(frozen=True)
class Services:
    """The write side, the read models' pools, authentication and the feeds a request uses."""

    platform: Platform
    tenants: Tenants
    pool: ApiPool  # the tenants' reads (and, as pool.readers, the reader role's pool)
    auth: Authority
    changes: ChangeHub
    states: ReadModelStates
    health: asyncpg.Pool  # the service role's pool: readiness and metrics

    def state(self) -> dict[str, Services]:
        """The lifespan state that carries them."""
        return {STATE_KEY: self}


class NotStarted(RuntimeError):
    """A request reached a handler before the lifespan built the services (or without it)."""


def started(connection: HTTPConnection) -> Services | None:
    """The services the lifespan built, or None before it has (readiness says "starting")."""
    found: Services | None = getattr(connection.state, STATE_KEY, None)
    return found


def services_of(connection: HTTPConnection) -> Services:
    """The services the lifespan built, for a request or a websocket."""
    found = started(connection)
    if found is None:
        raise NotStarted("the server's services are built by its lifespan, which has not run")
    return found
