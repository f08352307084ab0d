"""The domain's closed sets, registered as GraphQL enums.

Each enum is the domain's own class, registered here once under the name the schema gives it:
the domain owns the values, the schema shows them, and a value outside the set (a typo such as
`MAINTENANCE_PREDICTIVE`) is a validation error that names the allowed ones instead of a filter
that silently matches nothing. Values keep the domain's spelling, so outputs read as before.
The closed sets several features share are registered here; a feature's own are registered by
its types.py (``register_enum``), which the feature's queries and mutations import.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from osezia.domain.budget.model import Measure
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.diagnostics.model import DiagnosticStatus
from osezia.domain.sizes import Segment, SizeBasis, SizeCategory
from osezia.domain.solutions.usecases import UseCaseCategory
from osezia.domain.targets import TargetCode, Unit

__all__ = [
    "ENUMS",
    "REGISTERED",
    "AdoptionStage",
    "DiagnosticStatus",
    "Measure",
    "Segment",
    "SizeBasis",
    "SizeCategory",
    "TargetCode",
    "Unit",
    "UseCaseCategory",
    "register_enum",
]

# Each domain enum, the name the schema gives it, and what it is.
ENUMS: tuple[tuple[type[Enum], str, str], ...] = (
    (AdoptionStage, "AdoptionStage", "How far a company has gone with AI; it only moves forward."),
    (
        SizeCategory,
        "SizeCategory",
        "A company's legal size category (décret 2008-1354): MICRO (microentreprise), PME, ETI, "
        "GE. « PME » is the legal category, not the PME_ETI segment.",
    ),
    (
        SizeBasis,
        "SizeBasis",
        "What a size category was computed from: LEGAL (UTA, turnover, balance sheet), SIRENE "
        "(SIRENE's category refined by the staff band) or STAFF_BAND (INSEE's band alone).",
    ),
    (Segment, "Segment", "The plan's target populations: TPE (micro-enterprises), PME_ETI, GE."),
    (DiagnosticStatus, "DiagnosticStatus", "Where a diagnostic Data IA stands."),
    (
        UseCaseCategory,
        "UseCaseCode",
        "The use-case categories diagnostics and catalogue solutions share: a diagnostic's use "
        "case finds the solutions listed under its code.",
    ),
    (Measure, "Measure", "The plan's measures the envelope pays for."),
    (TargetCode, "TargetCode", "The plan's 2030 targets."),
    (Unit, "TargetUnit", "What a target counts: a PERCENT of companies, a COUNT, or CENTS."),
)

# Every enum registered, by this module or by a feature's types: (enum, name, description).
REGISTERED: list[tuple[type[Enum], str, str]] = []


def register_enum(enum: type[Enum], name: str, description: str) -> None:
    """Register a domain enum with the schema, once, under ``name``."""
    strawberry.enum(enum, name=name, description=description)
    REGISTERED.append((enum, name, description))


for _enum, _name, _description in ENUMS:
    register_enum(_enum, _name, _description)
