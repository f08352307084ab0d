"""A whole platform on the in-memory store, on a fixed day, and companies followed on it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY

TODAY = date(2026, 6, 15)


def a_platform(today: date = TODAY) -> Platform:
    """The platform with the plan's networks registered, ``today`` being the date in France."""
    platform = Platform(MEMORY, networks=NETWORKS, today=lambda: today)
    Tenants(env=MEMORY, share_with=platform.companies).seed_defaults()
    return platform


def a_company(platform: Platform, *followers: str, siren: str = "542107651") -> UUID:
    """A PME of Bretagne (120 UTA), followed by each of ``followers`` in turn."""
    for tenant in followers:
        company_id = platform.companies.register_company(
            tenant,
            siren=siren,
            legal_name="Robotique de l'Ouest",
            region="53",
            departement="35",
            naf="28.99B",
            size=SizeFacts(headcount_uta=Decimal(120)),
        )
    return company_id
