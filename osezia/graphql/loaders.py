"""DataLoaders, created for each request: one shared across requests would serve one
network's rows to another."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from strawberry.dataloader import DataLoader

from osezia.graphql.context import Info
from osezia.graphql.reading import read_models
from osezia.projections.companies import companies_by_id

if TYPE_CHECKING:
    from osezia.graphql.companies.types import Company


def companies(info: Info) -> DataLoader[UUID, Company | None]:
    """Companies by id, as the caller's network sees them: one query per request, not per row."""
    loaders = info.context.loaders
    if "companies" not in loaders:
        from osezia.graphql.companies.types import Company

        async def load(ids: Sequence[UUID]) -> list[Company | None]:
            async with read_models(info) as conn:
                found = await companies_by_id(conn, info.context.tenant, ids)
            return [None if (row := found.get(i)) is None else Company.of(row) for i in ids]

        loaders["companies"] = DataLoader(load_fn=load)
    loader: DataLoader[UUID, Company | None] = loaders["companies"]
    return loader
