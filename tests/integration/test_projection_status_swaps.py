"""A target's projection status, polled without pause while its read models are rebuilt and
swapped again and again, always answers: a swap that drops the version just read is read
through, never an error (it was `tenant_cci_v1.tracking does not exist`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from osezia.domain.platform import Platform
from osezia.projections.connections import Connection, connect
from osezia.projections.rebuild import _swap_in, rebuild
from osezia.projections.status import ProjectionStatus, projection_status
from osezia.projections.versions import building_version
from osezia.tenants.application import Tenants
from tests.integration.process_support import versions, write_history
from tests.integration.projection_support import build_all, viewers_of

SWAPS = 4
POLLERS = 4


@dataclass
class Polls:
    answers: list[ProjectionStatus] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


async def keep_polling(database_url: str, polls: Polls, stop: asyncio.Event) -> None:
    conn = await connect(database_url)
    try:
        while not stop.is_set():
            try:
                polls.answers.append(await projection_status(conn, "cci"))
            except Exception as error:  # every failure is the finding: none may happen
                polls.errors.append(error)
            await asyncio.sleep(0)
    finally:
        await conn.close()


def test_projection_status_polled_during_repeated_swaps_never_fails(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    write_history(platform, 200, owners=("cci",), diagnostics=True)
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, [v for v in viewers if v.slug == "platform"]))
    cci = next(v for v in viewers if v.slug == "cci")
    asyncio.run(build_all(database_url, [cci]))
    polls = Polls()

    async def swap_while_polled() -> None:
        stop = asyncio.Event()
        pollers = [
            asyncio.create_task(keep_polling(database_url, polls, stop)) for _ in range(POLLERS)
        ]
        try:
            for _ in range(SWAPS):
                await rebuild(database_url, cci, batch_size=50)
        finally:
            stop.set()
            await asyncio.gather(*pollers)

    asyncio.run(swap_while_polled())

    assert polls.errors == []
    seen = {status.version for status in polls.answers}
    live = [v["version"] for v in versions(database_url, "cci") if v["status"] == "LIVE"]
    assert live == [1 + SWAPS]
    assert len(seen) > 1, f"the polls saw only versions {seen}: no swap happened under them"
    assert seen <= set(range(1, 2 + SWAPS))
    assert all(status.position <= status.head for status in polls.answers)


async def blocked(conn: Connection, pid: int) -> bool:
    waiting = await conn.fetchval(
        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
    )
    return bool(waiting)


def test_a_status_read_between_the_version_and_its_dropped_schema_reads_the_new_version(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    """The swap commits while the status, having read the old version, waits for its tracking
    table, which the swap drops: the status is read again, of the version swapped in."""
    write_history(platform, 50, owners=("cci",))
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, [v for v in viewers if v.slug == "platform"]))
    cci = next(v for v in viewers if v.slug == "cci")
    asyncio.run(build_all(database_url, [cci]))
    assert asyncio.run(rebuild(database_url, cci, until=0)).status == "PAUSED"

    async def swap_under_a_read() -> ProjectionStatus:
        swapper, reader = await connect(database_url), await connect(database_url)
        try:
            version = await building_version(swapper, "cci")
            assert version is not None
            swap = swapper.transaction()
            await swap.start()
            await _swap_in(swapper, version, cci)  # the old schema dropped, not yet committed
            read = asyncio.create_task(projection_status(reader, "cci"))
            while not await blocked(swapper, reader.get_server_pid()):
                assert not read.done(), read  # it must wait for the dropped table
                await asyncio.sleep(0.01)
            await swap.commit()
            return await read
        finally:
            await swapper.close()
            await reader.close()

    status = asyncio.run(swap_under_a_read())

    assert (status.version, status.rebuild) == (2, None)
    assert status.position == status.head
