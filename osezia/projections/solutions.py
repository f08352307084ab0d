"""PLACEHOLDER read models."""

from __future__ import annotations

from osezia.projections.readmodel import ReadModel

MODELS: tuple[ReadModel, ...] = ()


def figure_views(region: str | None) -> dict[str, str]:
    """Aggregated views over the platform's model, open to every tenant (none yet)."""
    return {}
