"""Open websockets keep to their caller's standing: each is closed once its access token
expires, its client is revoked or its tenant suspended.

A revocation or a suspension is an event in the log, often appended by another process (the
`osezia` command): once a second, one query reads the last version of every client and tenant
that an open socket acts for, and the sockets of those that changed (and new sockets) are
checked again, afresh rather than through the few seconds' cache that requests use. With
no socket open, nothing runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from osezia.graphql.principal import Principal
from osezia.projections.log import LOG_TABLE
from osezia.tenants.clients.model import Client
from osezia.tenants.model import Tenant
from osezia.web.auth.standing import Standing

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0  # how often the standing of the open sockets' callers is read again
ACQUIRE_SECONDS = 2.0  # a busy pool delays a check to the next round, never blocks it

Close = Callable[[str], Coroutine[Any, Any, None]]  # closes a socket, giving the reason


@dataclass(eq=False)
class _Socket:
    principal: Principal
    close: Close
    expiry: asyncio.TimerHandle | None = None
    # Checked once afresh whatever the versions say: it may have been let in on a standing
    # the requests' cache still held after a revocation.
    checked: bool = False


class OpenSockets:
    """The process's authenticated websockets, each with the means to close it."""

    def __init__(
        self, pool: asyncpg.Pool, standing: Standing, *, every: float = CHECK_SECONDS
    ) -> None:
        self._pool, self._standing, self._every = pool, standing, every
        self._sockets: set[_Socket] = set()
        self._versions: dict[UUID, int | None] = {}  # as read at the last check
        self._follower: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Task[None]] = set()

    def watch(self, principal: Principal, close: Close) -> Callable[[], None]:
        """Close the socket, through ``close``, when the principal may no longer act; returns
        what to call once the socket has closed otherwise."""
        socket = _Socket(principal, close)
        self._sockets.add(socket)
        if principal.expires_at is not None:
            delay = max(0.0, principal.expires_at - time.time())
            loop = asyncio.get_running_loop()
            socket.expiry = loop.call_later(delay, self._end, socket, "the access token expired")
        if self._follower is None or self._follower.done():
            self._follower = asyncio.create_task(self._follow())
        return lambda: self._forget(socket)

    async def close(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            await asyncio.gather(self._follower, return_exceptions=True)

    def _forget(self, socket: _Socket) -> None:
        self._sockets.discard(socket)
        if socket.expiry is not None:
            socket.expiry.cancel()

    def _end(self, socket: _Socket, reason: str) -> None:
        if socket not in self._sockets:
            return  # closed already
        self._forget(socket)
        closing = asyncio.create_task(socket.close(reason))
        self._closing.add(closing)  # a task nobody holds may be collected before it runs
        closing.add_done_callback(self._closing.discard)

    async def _follow(self) -> None:
        while self._sockets:
            await asyncio.sleep(self._every)
            try:
                await self._check()
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as error:
                log.warning("the standing of open websockets could not be read: %s", error)
            except Exception:  # a bug, or the event store failing: the sockets stay watched
                log.exception("the standing of open websockets could not be checked")

    async def _check(self) -> None:
        sockets = list(self._sockets)
        watched = {key for socket in sockets for key in _aggregates(socket.principal)}
        async with self._pool.acquire(timeout=ACQUIRE_SECONDS) as conn:
            rows = await conn.fetch(
                f"SELECT originator_id, max(originator_version) FROM {LOG_TABLE} "
                "WHERE originator_id = ANY($1::uuid[]) GROUP BY originator_id",
                list(watched),
            )
        versions: dict[UUID, int | None] = dict.fromkeys(watched)
        versions.update((row[0], row[1]) for row in rows)
        changed = {key for key in watched if self._versions.get(key, -1) != versions[key]}
        standing: dict[tuple[str | None, str], str | None] = {}
        for socket in sockets:
            if socket.checked and changed.isdisjoint(_aggregates(socket.principal)):
                continue
            principal = socket.principal
            key = (principal.client_id, principal.tenant)
            if key not in standing:
                standing[key] = await self._refusal(principal)
            socket.checked = True
            if (reason := standing[key]) is not None:
                self._end(socket, reason)
        # Read before the standing above, kept once it was checked: a change committed in
        # between is seen next round, and so is one whose check failed.
        self._versions = versions

    async def _refusal(self, principal: Principal) -> str | None:
        """Why the principal may no longer act, or None if it still may."""
        if principal.client_id is not None:
            client = await self._standing.client(principal.client_id, fresh=True)
            if client is None or client.tenant != principal.tenant:
                return "the client was revoked, or its tenant suspended"
            return None
        if await self._standing.tenant_profile(principal.tenant, fresh=True) is None:
            return f"tenant {principal.tenant} is suspended or offboarded"
        return None


def _aggregates(principal: Principal) -> tuple[UUID, ...]:
    """The aggregates whose events may end the principal's standing."""
    tenant = Tenant.create_id(principal.tenant)
    if principal.client_id is None:
        return (tenant,)
    return (Client.create_id(principal.client_id), tenant)
