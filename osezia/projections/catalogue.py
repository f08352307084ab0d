"""Every read model a tenant's data schema holds."""

from __future__ import annotations

from osezia.projections import (
    ambassadors,
    companies,
    diagnostics,
    events,
    partnerships,
    referrals,
)
from osezia.projections.readmodel import ReadModel

READ_MODELS: tuple[ReadModel, ...] = (
    companies.MODEL,
    diagnostics.MODEL,
    ambassadors.MODEL,
    events.MODEL,
    partnerships.MODEL,
    referrals.MODEL,
)
