"""Whether a client and its tenant may still act: read from the event log, kept a few seconds.

Every authenticated request asks; the answer is cached ``ttl`` seconds per client and tenant, so
a revocation or a suspension takes effect within that time on every server. Only verified tokens
(or, in development, the tenant header) get this far, so the cache holds real ids only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import TypeVar, cast

from osezia.domain.errors import NotFound
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.clients.model import Client
from osezia.tenants.model import TenantStatus
from osezia.tenants.profiles import Profile

T = TypeVar("T")
Roles = Mapping[str, frozenset[str]]
_MAX_ENTRIES = 10_000


class Standing:
    def __init__(self, clients: Clients, tenants: Tenants, *, ttl: float = 5.0) -> None:
        self._clients, self._tenants, self._ttl = clients, tenants, ttl
        self._cache: dict[tuple[str, str], tuple[float, object]] = {}
        # The read under way for a key whose answer expired: the requests that find it expired
        # meanwhile wait for it, where each read the log on its own (a client's 32 connections
        # each replaying the client and its tenant on a worker thread, every `ttl` seconds).
        self._reading: dict[tuple[str, str], asyncio.Future[object]] = {}

    async def client(self, client_id: str, *, fresh: bool = False) -> Client | None:
        """The client if it is not revoked and its tenant is active."""
        return await self._cached(
            ("client", client_id), lambda: self._clients.active_client(client_id), fresh
        )

    async def tenant_profile(self, slug: str, *, fresh: bool = False) -> Profile | None:
        """The profile of an active tenant; None if it is unknown, suspended or offboarded."""
        return await self._cached(("tenant", slug), lambda: self._profile(slug), fresh)

    async def tenant_roles(self, slug: str, *, fresh: bool = False) -> Roles | None:
        """The roles (and their scopes) of an active tenant; None if it is not active."""
        profile = await self.tenant_profile(slug, fresh=fresh)
        return profile.roles if profile is not None else None

    def read_client(self, client_id: str) -> Client | None:
        """`client(client_id, fresh=True)` for a caller already on a worker thread (the token
        endpoint's): read now, synchronously, and remembered for the next requests."""
        return self._store(("client", client_id), self._clients.active_client(client_id))

    def read_tenant_roles(self, slug: str) -> Roles | None:
        """`tenant_roles(slug, fresh=True)`, synchronously, for a caller on a worker thread."""
        profile = self._store(("tenant", slug), self._profile(slug))
        return profile.roles if profile is not None else None

    def _profile(self, slug: str) -> Profile | None:
        try:
            tenant = self._tenants.get_tenant(slug)
        except NotFound:
            return None
        if tenant.status is not TenantStatus.ACTIVE:
            return None
        return Profile.from_data(tenant.profile)

    async def _cached(self, key: tuple[str, str], read: Callable[[], T], fresh: bool) -> T:
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now and not fresh:
            return hit[1]  # type: ignore[return-value]  # stored by this same key's reader
        if fresh:  # read after the call: a read under way may have begun before a revocation
            return self._store(key, await asyncio.to_thread(read))
        reading = self._reading.get(key)
        if reading is None or reading.get_loop() is not asyncio.get_running_loop():
            reading = self._reading[key] = asyncio.ensure_future(self._read(key, read))
            reading.add_done_callback(_retrieved)  # when every waiter was cancelled
        # One waiter cancelled does not cancel the read the others wait for.
        return cast(T, await asyncio.shield(reading))  # what read() returned

    async def _read(self, key: tuple[str, str], read: Callable[[], object]) -> object:
        try:
            return self._store(key, await asyncio.to_thread(read))  # eventsourcing is synchronous
        finally:
            self._reading.pop(key, None)

    def _store(self, key: tuple[str, str], value: T) -> T:
        if len(self._cache) >= _MAX_ENTRIES:
            self._cache.clear()
        self._cache[key] = (time.monotonic() + self._ttl, value)
        return value


def _retrieved(read: asyncio.Future[object]) -> None:
    if not read.cancelled():
        read.exception()  # raised to each waiter; not reported again as never retrieved
