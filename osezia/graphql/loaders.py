"""DataLoaders, created for each request: one shared across requests would serve one
network's rows to another."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from strawberry.dataloader import DataLoader

from osezia.graphql.context import Info
from osezia.graphql.reading import read_models
from osezia.projections.names import stable_schema

if TYPE_CHECKING:
    from osezia.graphql.companies.types import Company


def companies(info: Info) -> DataLoader[UUID, Company | None]:
    """Companies by id, as the caller's network sees them: one query per request, not per row."""
    loaders = info.context.loaders
    if "companies" not in loaders:
        from osezia.graphql.companies.queries import company_node

        async def load(ids: Sequence[UUID]) -> list[Company | None]:
            async with read_models(info) as conn:
                rows = await conn.fetch(
                    f'SELECT * FROM "{stable_schema(info.context.tenant)}".companies '
                    "WHERE id = ANY($1::uuid[])",
                    list(ids),
                )
            found = {row["id"]: company_node(dict(row)) for row in rows}
            return [found.get(i) for i in ids]

        loaders["companies"] = DataLoader(load_fn=load)
    loader: DataLoader[UUID, Company | None] = loaders["companies"]
    return loader
