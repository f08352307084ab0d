"""During a rebuild and its swap, a steady stream of queries sees only complete models and gets
no error."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import asyncpg

from osezia.domain.platform import Platform
from osezia.projections.access import as_tenant
from osezia.projections.connections import create_pool
from osezia.projections.rebuild import rebuild
from osezia.tenants.application import Tenants
from tests.integration.process_support import schemas_like, versions, write_history
from tests.integration.projection_support import build_all, viewers_of

COMPANIES = 400  # each with one diagnostic, all CCI's

# What a reader asks, each in a read-only transaction as the tenant's role.
QUERIES: dict[str, list[str]] = {
    "count": ["SELECT count(*) FROM tenant_cci.companies"],
    "join": [
        "SELECT count(*) FROM tenant_cci.companies c "
        "JOIN tenant_cci.diagnostics d ON d.company_id = c.id"
    ],
    "aggregate": [
        "SELECT sum(n)::bigint FROM (SELECT region, count(*) AS n "
        "FROM tenant_cci.diagnostics GROUP BY region) AS by_region"
    ],
    # Two statements in one transaction, the views locked one after the other, in the
    # opposite order to the swap's.
    "two statements": [
        "SELECT count(*) FROM tenant_cci.diagnostics",
        "SELECT count(*) FROM tenant_cci.companies",
    ],
    "figures, then rows": [
        "SELECT sum(companies)::bigint FROM tenant_cci.figures_companies",
        "SELECT count(*) FROM tenant_cci.diagnostics",
    ],
    "figures": ["SELECT sum(companies)::bigint FROM tenant_cci.figures_companies"],
}


@dataclass
class Answers:
    seen: list[tuple[str, float, list[int]]] = field(default_factory=list)  # (query, at, counts)
    errors: list[tuple[str, BaseException]] = field(default_factory=list)


async def keep_querying(pool: asyncpg.Pool, answers: Answers, stop: asyncio.Event, n: int) -> None:
    names = list(QUERIES)
    while not stop.is_set():
        name = names[n % len(names)]
        n += 1
        try:
            async with as_tenant(pool, "cci") as conn:
                counts = [int(await conn.fetchval(sql)) for sql in QUERIES[name]]
        except Exception as error:  # every failure is the finding: none may happen
            answers.errors.append((name, error))
            continue
        answers.seen.append((name, time.monotonic(), counts))
        await asyncio.sleep(0)


def test_queries_during_rebuilds_and_their_swaps_see_only_complete_models_and_never_fail(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    write_history(platform, COMPANIES, owners=("cci",), diagnostics=True)
    cci = next(v for v in viewers_of(tenants) if v.slug == "cci")
    asyncio.run(build_all(database_url, [v for v in viewers_of(tenants) if v.slug == "platform"]))
    asyncio.run(build_all(database_url, [cci]))
    answers = Answers()

    async def rebuild_under_load() -> list[float]:
        swapped_at = []
        stop = asyncio.Event()
        pool = await create_pool(database_url, max_size=8)
        readers = [asyncio.create_task(keep_querying(pool, answers, stop, n)) for n in range(8)]
        try:
            await asyncio.sleep(0.2)
            for _ in range(3):  # small batches: a model served too early would show half-built
                await rebuild(database_url, cci, batch_size=100)
                swapped_at.append(time.monotonic())
            await asyncio.sleep(0.2)
        finally:
            stop.set()
            await asyncio.gather(*readers)
            await pool.close()
        return swapped_at

    swapped_at = asyncio.run(rebuild_under_load())

    assert answers.errors == []
    wrong = [(name, counts) for name, _, counts in answers.seen if set(counts) != {COMPANIES}]
    assert wrong == []
    for name in QUERIES:
        times = [at for n, at, _ in answers.seen if n == name]
        assert min(times) < swapped_at[0], f"{name} asked before the first swap"
        assert max(times) > swapped_at[-1], f"{name} asked after the last swap"
    built = versions(database_url, "cci")
    assert [(v["version"], v["status"]) for v in built] == [
        (1, "RETIRED"),
        (2, "RETIRED"),
        (3, "RETIRED"),
        (4, "LIVE"),
    ]
    assert schemas_like(database_url, "tenant\\_cci\\_v%") == {"tenant_cci_v4"}
