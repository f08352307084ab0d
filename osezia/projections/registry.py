"""Every read model a tenant's data schema holds, and the aggregated figure views, gathered from
the features rather than listed here.

A feature is a package of ``osezia.domain``; its read models live in the projections module of
the same name (``osezia/projections/<feature>.py``), which declares them as ``MODELS`` (or one
as ``MODEL``), and its figure views, if it has any, as ``figure_views``. Features are taken in
the order of their names, so every process gathers the same list.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from types import ModuleType

from osezia.domain.grants import features
from osezia.projections.readmodel import ReadModel


def feature_modules() -> list[ModuleType]:
    """The projections module of each feature that has one, in the features' order."""
    found = []
    for name in features():
        module = f"osezia.projections.{name}"
        if importlib.util.find_spec(module) is not None:
            found.append(importlib.import_module(module))
    return found


def models_of(module: ModuleType) -> tuple[ReadModel, ...]:
    """The read models a projections module declares: ``MODELS``, or ``MODEL`` alone."""
    models: tuple[ReadModel, ...] | None = getattr(module, "MODELS", None)
    if models is None:
        model: ReadModel | None = getattr(module, "MODEL", None)
        models = () if model is None else (model,)
    return models


READ_MODELS: tuple[ReadModel, ...] = tuple(
    model for module in feature_modules() for model in models_of(module)
)

# Views over the platform's own model that every tenant may read: figures that name no company
# and no person. Each takes the tenant's region (None: national) and returns {view: query}.
FIGURE_VIEWS: tuple[Callable[[str | None], dict[str, str]], ...] = tuple(
    module.figure_views for module in feature_modules() if hasattr(module, "figure_views")
)
