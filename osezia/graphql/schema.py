"""The GraphQL schema: root types composed from one class per feature."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter

from osezia.graphql.acceleration.mutations import AccelerationMutations
from osezia.graphql.acceleration.queries import AccelerationQueries
from osezia.graphql.ambassadors.mutations import AmbassadorMutations
from osezia.graphql.ambassadors.queries import AmbassadorQueries
from osezia.graphql.budget.mutations import BudgetMutations
from osezia.graphql.budget.queries import BudgetQueries
from osezia.graphql.calls.mutations import CallsMutations
from osezia.graphql.calls.queries import CallsQueries
from osezia.graphql.companies.mutations import CompanyMutations
from osezia.graphql.companies.queries import CompanyQueries
from osezia.graphql.context import Info
from osezia.graphql.decisions.queries import DecisionQueries
from osezia.graphql.diagnostics.mutations import DiagnosticMutations
from osezia.graphql.diagnostics.queries import DiagnosticQueries
from osezia.graphql.enum_errors import name_allowed_values
from osezia.graphql.errors_extension import LoggingSchema, PresentErrors
from osezia.graphql.events.mutations import EventMutations
from osezia.graphql.events.queries import EventQueries
from osezia.graphql.execution import CompilingExecutor
from osezia.graphql.figures.queries import FigureQueries
from osezia.graphql.limits import limits
from osezia.graphql.loans.mutations import LoansMutations
from osezia.graphql.loans.queries import LoansQueries
from osezia.graphql.node import Node, find_node
from osezia.graphql.partnerships.mutations import PartnershipMutations
from osezia.graphql.partnerships.queries import PartnershipQueries
from osezia.graphql.privacy.mutations import PrivacyMutations
from osezia.graphql.progress.queries import ProgressQueries
from osezia.graphql.projections.queries import ProjectionQueries
from osezia.graphql.referrals.mutations import ReferralMutations
from osezia.graphql.referrals.queries import ReferralQueries
from osezia.graphql.scalars import SCALARS
from osezia.graphql.solutions.mutations import SolutionsMutations
from osezia.graphql.solutions.queries import SolutionsQueries
from osezia.graphql.subscriptions.subscriptions import Subscription
from osezia.graphql.surveys.mutations import SurveyMutations
from osezia.graphql.surveys.queries import SurveyQueries
from osezia.graphql.trainings.mutations import TrainingsMutations
from osezia.graphql.trainings.queries import TrainingsQueries


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any record by its id, if the caller's network sees it.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await find_node(info, id)


@strawberry.type
class Query(
    NodeQueries,
    CompanyQueries,
    DiagnosticQueries,
    AmbassadorQueries,
    EventQueries,
    PartnershipQueries,
    ReferralQueries,
    FigureQueries,
    TrainingsQueries,
    LoansQueries,
    AccelerationQueries,
    CallsQueries,
    SolutionsQueries,
    BudgetQueries,
    SurveyQueries,
    ProgressQueries,
    ProjectionQueries,
    DecisionQueries,
):
    pass


@strawberry.type
class Mutation(
    CompanyMutations,
    ReferralMutations,
    DiagnosticMutations,
    AmbassadorMutations,
    EventMutations,
    PartnershipMutations,
    TrainingsMutations,
    LoansMutations,
    AccelerationMutations,
    CallsMutations,
    SolutionsMutations,
    BudgetMutations,
    SurveyMutations,
    PrivacyMutations,
):
    pass


def build_schema(
    *, production: bool, executor: type[CompilingExecutor] | None = CompilingExecutor
) -> strawberry.Schema:
    """In production, partners get neither introspection nor "did you mean" suggestions:
    strawberry drops those of misspelt fields, PresentErrors those of arguments, input fields,
    types and enum values. Plain object trees are completed by compiled functions
    (graphql/execution.py); `executor=None` leaves every value to graphql-core, for the test
    that compares the two."""
    extensions: list[Callable[[], SchemaExtension]] = [
        *limits(),
        partial(PresentErrors, suggestions=not production),
    ]
    if production:
        extensions.append(DisableIntrospection)
    built = LoggingSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides=SCALARS,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=production, name_converter=NamesOnce()),
        execution_context_class=executor,
    )
    name_allowed_values(built._schema)
    return built


class NamesOnce(NameConverter):
    """strawberry's names, each converted once: it converts the name of every argument given,
    at every request (2 % of an uncached page's CPU). Names are the schema's own: a few
    hundred."""

    def __init__(self) -> None:
        super().__init__()
        self._converted: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        converted = self._converted.get(name)
        if converted is None:
            converted = self._converted[name] = super().apply_naming_config(name)
        return converted


schema = build_schema(production=False)
