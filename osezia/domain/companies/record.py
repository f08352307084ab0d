"""What one network knows of a company: its own record, and the company's adoption stage.

A company's events carry these as plain values (the stage's name, dates, codes); the record is
the aggregate's state, rebuilt from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from osezia.domain.naf import NAF_REV2


class AdoptionStage(StrEnum):
    """How far a company has gone with AI; it only moves forward."""

    NONE = "NONE"
    AWARE = "AWARE"
    TRAINED = "TRAINED"
    DIAGNOSED = "DIAGNOSED"
    PILOTING = "PILOTING"
    ADOPTED = "ADOPTED"

    @property
    def rank(self) -> int:
        return list(AdoptionStage).index(self)


@dataclass
class Record:
    """What one network collected about a company: the facts it registered, the size it
    assessed, the establishments it added and the adoption stage it recorded."""

    legal_name: str
    region: str
    departement: str
    naf: str
    naf_nomenclature: str = NAF_REV2
    size_category: str | None = None
    size_basis: str | None = None
    segment: str | None = None
    establishments: dict[str, tuple[str, bool]] = field(default_factory=dict)
    adoption_stage: AdoptionStage = AdoptionStage.NONE
    adoption_history: list[tuple[str, date]] = field(default_factory=list)
