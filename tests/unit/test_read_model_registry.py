"""The read models and figure views are gathered from the features' projections modules: every
one declared is served, once, in the same order in every process."""

from __future__ import annotations

import importlib
import pkgutil

import osezia.projections
from osezia.domain.grants import features
from osezia.projections import registry
from osezia.projections.readmodel import ReadModel


def every_projections_module() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(osezia.projections.__path__, "osezia.projections.")
    )


def test_every_read_model_a_projections_module_holds_is_gathered() -> None:
    declared = {
        id(value): f"{name}.{attribute}"
        for name in every_projections_module()
        for attribute, value in vars(importlib.import_module(name)).items()
        if isinstance(value, ReadModel)
    }
    gathered = {id(model) for model in registry.READ_MODELS}
    assert {where for key, where in declared.items() if key not in gathered} == set()


def test_every_figure_view_function_is_gathered() -> None:
    declared = {
        name
        for name in every_projections_module()
        if callable(getattr(importlib.import_module(name), "figure_views", None))
    }
    assert {f.__module__ for f in registry.FIGURE_VIEWS} == declared


def test_each_read_model_is_gathered_once_with_a_table_of_its_own() -> None:
    tables = [model.table.name for model in registry.READ_MODELS]
    assert len(tables) == len(set(tables))
    assert {"companies", "events", "trainings", "solutions", "adoptions"} <= set(tables)


def test_features_are_gathered_in_the_order_of_their_names() -> None:
    modules = [module.__name__.rsplit(".", 1)[1] for module in registry.feature_modules()]
    assert modules == sorted(modules)
    assert set(modules) <= set(features())
    again = tuple(m for module in registry.feature_modules() for m in registry.models_of(module))
    assert again == registry.READ_MODELS
