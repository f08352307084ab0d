"""The legal size category of décret 2008-1354 (art. 3) and the plan's target segments.

The category is computed from the legal criteria when headcount (UTA) is known; otherwise it falls
back to SIRENE's ``categorie_entreprise``, or to the INSEE staff band as a proxy. The basis is
always returned with the category, because the three are not equally reliable.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from osezia.domain.errors import InvalidValue


class SizeCategory(StrEnum):
    MICRO = "MICRO"  # microentreprise, colloquially TPE
    PME = "PME"
    ETI = "ETI"
    GE = "GE"


# SMEs in the legal sense (PME of décret 2008-1354, art. 3, microentreprises included): not the
# plan's PME_ETI segment, which counts ETI too.
SME_CATEGORIES = frozenset({SizeCategory.MICRO.value, SizeCategory.PME.value})


class SizeBasis(StrEnum):
    LEGAL = "LEGAL"  # UTA and, when known, turnover and balance sheet
    SIRENE = "SIRENE"  # SIRENE's categorie_entreprise (PME/ETI/GE), refined by the staff band
    STAFF_BAND = "STAFF_BAND"  # INSEE tranche d'effectif alone: a proxy


class Segment(StrEnum):
    """The plan's three target populations."""

    TPE = "TPE"
    PME_ETI = "PME_ETI"
    GE = "GE"


def segment_of(category: SizeCategory) -> Segment:
    if category is SizeCategory.MICRO:
        return Segment.TPE
    if category is SizeCategory.GE:
        return Segment.GE
    return Segment.PME_ETI


_EUR = 100  # cents
_MEUR = 1_000_000 * _EUR

# INSEE staff band (tranche d'effectif) -> the category it suggests.
_STAFF_BANDS: dict[str, SizeCategory] = {
    **dict.fromkeys(("NN", "00", "01", "02", "03"), SizeCategory.MICRO),
    **dict.fromkeys(("11", "12", "21", "22", "31"), SizeCategory.PME),
    **dict.fromkeys(("32", "41", "42", "51"), SizeCategory.ETI),
    **dict.fromkeys(("52", "53"), SizeCategory.GE),
}
STAFF_BANDS = frozenset(_STAFF_BANDS)


@dataclass(frozen=True)
class SizeFacts:
    """What is known of a company's size. Money in euro cents."""

    headcount_uta: Decimal | None = None
    turnover_cents: int | None = None
    balance_sheet_cents: int | None = None
    sirene_category: str | None = None  # "PME", "ETI" or "GE", as SIRENE publishes it
    staff_band: str | None = None  # INSEE tranche_effectif code, e.g. "12"

    def check(self) -> None:
        if self.headcount_uta is not None and self.headcount_uta < 0:
            raise InvalidValue(f"headcount {self.headcount_uta} UTA cannot be negative")
        for label, cents in (
            ("turnover", self.turnover_cents),
            ("balance sheet", self.balance_sheet_cents),
        ):
            if cents is not None and cents < 0:
                raise InvalidValue(f"{label} {cents} cents cannot be negative")
        if self.sirene_category is not None and self.sirene_category not in {"PME", "ETI", "GE"}:
            raise InvalidValue(
                f"SIRENE category {self.sirene_category!r} must be PME, ETI or GE "
                "(SIRENE has no separate micro category)"
            )
        if self.staff_band is not None and self.staff_band not in _STAFF_BANDS:
            raise InvalidValue(f"staff band {self.staff_band!r} is not an INSEE tranche code")
        if self.headcount_uta is None and self.sirene_category is None and self.staff_band is None:
            raise InvalidValue(
                "the size category needs a headcount (UTA), a SIRENE category or a staff band"
            )


def _financial_within(facts: SizeFacts, turnover_cap_meur: int, balance_cap_meur: int) -> bool:
    """'Turnover <= x OR balance sheet <= y'; with neither known, the condition is assumed met."""
    turnover, balance = facts.turnover_cents, facts.balance_sheet_cents
    if turnover is None and balance is None:
        return True
    return (turnover is not None and turnover <= turnover_cap_meur * _MEUR) or (
        balance is not None and balance <= balance_cap_meur * _MEUR
    )


def size_category(facts: SizeFacts) -> tuple[SizeCategory, SizeBasis]:
    """The category and the basis it was computed on."""
    facts.check()
    uta = facts.headcount_uta
    if uta is not None:
        if uta < 10 and _financial_within(facts, 2, 2):
            return SizeCategory.MICRO, SizeBasis.LEGAL
        if uta < 250 and _financial_within(facts, 50, 43):
            return SizeCategory.PME, SizeBasis.LEGAL
        if uta < 5000 and _financial_within(facts, 1500, 2000):
            return SizeCategory.ETI, SizeBasis.LEGAL
        return SizeCategory.GE, SizeBasis.LEGAL
    band = _STAFF_BANDS.get(facts.staff_band) if facts.staff_band else None
    if facts.sirene_category is not None:
        category = SizeCategory(facts.sirene_category)
        # SIRENE's PME includes micro-enterprises: the staff band tells them apart.
        if category is SizeCategory.PME and band is SizeCategory.MICRO:
            category = SizeCategory.MICRO
        return category, SizeBasis.SIRENE
    assert band is not None  # check() guarantees one of the three bases
    return band, SizeBasis.STAFF_BAND


def check_size_categories(categories: frozenset[str]) -> None:
    """A rule's eligible categories: at least one, each a legal size category."""
    unknown = sorted(categories - set(SizeCategory))
    if unknown or not categories:
        raise InvalidValue(
            f"eligible categories {sorted(categories)} must be size categories "
            f"among {', '.join(SizeCategory)}"
        )
