"""Whether a client and its tenant may still act (osezia.web.auth.standing), over the real
PostgreSQL: the requests that find the answer expired together wait for one read of the log,
where each read it on its own thread; a revocation still takes effect within the ttl."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from osezia.domain.actors import Actor, acting
from osezia.domain.platform import Platform
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.clients.model import Client
from osezia.web.auth.standing import Standing

REQUESTS = 32  # a client's connections, as the bench's wrk opens them
TTL = 0.5  # seconds


class CountedClients(Clients):
    """The real client registry, counting its reads; each read lasts a little longer, so that
    the requests of one burst all find the answer expired while the first read runs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reads = 0
        self._lock = threading.Lock()

    def active_client(self, client_id: str) -> Client | None:
        with self._lock:
            self.reads += 1
        time.sleep(0.05)
        return super().active_client(client_id)


@pytest.fixture
def clients(store_env: dict[str, str], platform: Platform) -> Iterator[CountedClients]:
    with CountedClients(env=store_env, share_with=platform.companies) as app:
        yield app


@pytest.fixture
def client_id(clients: CountedClients) -> str:
    with acting(Actor("ops", "operator", "system")):
        made, _ = clients.create_client("cci", role="analyst", name="dashboards")
    return made


def test_a_burst_of_requests_reads_the_log_once_and_a_revocation_still_takes_effect(
    clients: CountedClients, tenants: Tenants, client_id: str
) -> None:
    standing = Standing(clients, tenants, ttl=TTL)

    async def burst() -> list[Client | None]:
        return await asyncio.gather(*(standing.client(client_id) for _ in range(REQUESTS)))

    async def scenario() -> None:
        first = await burst()
        assert clients.reads == 1
        assert all(c is not None and c.client_id == client_id for c in first)
        assert await burst() == first
        assert clients.reads == 1

        with acting(Actor("ops", "operator", "system")):
            await asyncio.to_thread(clients.revoke_client, client_id, reason="key leaked")
        await asyncio.sleep(TTL)
        after = await burst()
        assert clients.reads == 2  # expired: one read again, for the whole burst
        assert after == [None] * REQUESTS  # revoked within the ttl

        fresh = await asyncio.gather(*(standing.client(client_id, fresh=True) for _ in range(3)))
        assert fresh == [None] * 3
        assert clients.reads == 5

    asyncio.run(scenario())


def test_a_waiter_cancelled_does_not_cancel_the_read_the_others_wait_for(
    clients: CountedClients, tenants: Tenants, client_id: str
) -> None:
    standing = Standing(clients, tenants, ttl=TTL)

    async def scenario() -> None:
        impatient = asyncio.ensure_future(standing.client(client_id))
        patient = asyncio.ensure_future(standing.client(client_id))
        await asyncio.sleep(0.01)
        impatient.cancel()
        found = await patient
        assert found is not None
        assert found.client_id == client_id
        assert impatient.cancelled()
        assert clients.reads == 1

    asyncio.run(scenario())
