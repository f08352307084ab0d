"""A small, deterministic demo history, written through the write API."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from osezia.domain.companies.model import AdoptionStage, Company
from osezia.domain.errors import AlreadyRegistered
from osezia.domain.geography import _DEPARTEMENTS_BY_REGION
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts

_NAMES = (
    "Atelier",
    "Boulangerie",
    "Conseil",
    "Données",
    "Énergie",
    "Fabrique",
    "Garage",
    "Habitat",
)
_CITIES = ("du Lac", "des Monts", "de la Côte", "du Val", "des Forges", "du Port", "des Prés")
_NAF = ("10.71C", "25.62B", "43.21A", "47.11F", "56.10A", "62.01Z", "69.20Z", "71.12B", "86.21Z")
# Headcounts drawn so that micro-enterprises dominate, as they do in France.
_HEADCOUNTS = (2, 4, 7, 9, 15, 40, 120, 300, 1200)
_HEADCOUNT_WEIGHTS = (30, 20, 12, 8, 12, 9, 5, 3, 1)
_TENANTS = ("cci", "bpifrance", "french-tech")


def demo_siren(n: int) -> str:
    return complete_siren(f"{80_000_000 + n * 7:08d}")


def demo_loaded(platform: Platform) -> bool:
    return platform.companies.find(Company.create_id(demo_siren(0)), Company) is not None


def load_demo(platform: Platform, companies: int = 240, seed: int = 2025) -> dict[str, int]:
    """Write the demo history; the same seed always writes the same history."""
    rng = random.Random(seed)
    written = 0
    for n in range(companies):
        region = sorted(_DEPARTEMENTS_BY_REGION)[n % len(_DEPARTEMENTS_BY_REGION)]
        departement = rng.choice(_DEPARTEMENTS_BY_REGION[region].split())
        tenant = _TENANTS[n % len(_TENANTS)]
        headcount = rng.choices(_HEADCOUNTS, _HEADCOUNT_WEIGHTS)[0]
        try:
            company_id = platform.companies.register_company(
                tenant,
                siren=demo_siren(n),
                legal_name=f"{rng.choice(_NAMES)} {rng.choice(_CITIES)} {n}",
                region=region,
                departement=departement,
                naf=rng.choice(_NAF),
                size=SizeFacts(headcount_uta=Decimal(headcount)),
            )
        except AlreadyRegistered:
            continue
        written += 1
        day = date(2025, 9, 1)
        for stage in list(AdoptionStage)[1 : rng.randint(1, 4)]:
            day += timedelta(days=rng.randint(5, 60))
            platform.companies.advance_adoption(tenant, company_id, stage=stage, on=day)
    return {"companies": written}
