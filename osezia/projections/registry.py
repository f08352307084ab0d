"""Every read model a tenant's data schema holds, and the aggregated figure views."""

from __future__ import annotations

from collections.abc import Callable

from osezia.projections import (
    acceleration,
    ambassadors,
    budget,
    calls,
    companies,
    diagnostics,
    events,
    loans,
    partnerships,
    referrals,
    solutions,
    surveys,
    trainings,
)
from osezia.projections.readmodel import ReadModel

READ_MODELS: tuple[ReadModel, ...] = (
    companies.MODEL,
    diagnostics.MODEL,
    ambassadors.MODEL,
    events.MODEL,
    partnerships.MODEL,
    referrals.MODEL,
    *trainings.MODELS,
    *loans.MODELS,
    *acceleration.MODELS,
    *calls.MODELS,
    *solutions.MODELS,
    *budget.MODELS,
    *surveys.MODELS,
)

# Views over the platform's own model that every tenant may read: figures that name no company
# and no person. Each takes the tenant's region (None: national) and returns {view: query}.
FIGURE_VIEWS: tuple[Callable[[str | None], dict[str, str]], ...] = (
    trainings.figure_views,
    loans.figure_views,
    acceleration.figure_views,
    calls.figure_views,
    solutions.figure_views,
    budget.figure_views,
)
