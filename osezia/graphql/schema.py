"""The GraphQL schema: root types composed from one class per feature."""

from __future__ import annotations

import strawberry

from osezia.graphql.companies.mutations import CompanyMutations
from osezia.graphql.companies.queries import CompanyQueries
from osezia.graphql.projections.queries import ProjectionQueries
from osezia.graphql.scalars import SCALARS


@strawberry.type
class Query(CompanyQueries, ProjectionQueries):
    pass


@strawberry.type
class Mutation(CompanyMutations):
    pass


schema = strawberry.Schema(query=Query, mutation=Mutation, scalar_overrides=SCALARS)
