"""Every read model a tenant's data schema holds."""

from __future__ import annotations

from osezia.projections import companies, referrals
from osezia.projections.readmodel import ReadModel

READ_MODELS: tuple[ReadModel, ...] = (companies.MODEL, referrals.MODEL)
