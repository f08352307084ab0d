"""The domain's closed sets, registered as GraphQL enums.

Each enum is the domain's own class, registered here once under the name the schema gives it:
the domain owns the values, the schema shows them, and a value outside the set (a typo such as
`MAINTENANCE_PREDICTIVE`) is a validation error that names the allowed ones instead of a filter
that silently matches nothing. Values keep the domain's spelling, so outputs read as before.
Types, queries and mutations import the enums from here, so that they are registered wherever
they are used.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from osezia.domain.acceleration.model import AdmissionStatus
from osezia.domain.ambassadors.model import (
    AmbassadorKind,
    AmbassadorProfile,
    InterventionFormat,
    Network,
    PlanKind,
)
from osezia.domain.budget.model import Measure
from osezia.domain.calls.model import CallKind
from osezia.domain.calls.submissions import ApplicationStage, PrioritySector
from osezia.domain.companies.model import AdoptionStage
from osezia.domain.diagnostics.model import DiagnosticStatus
from osezia.domain.events.model import EventKind, EventStatus
from osezia.domain.loans.model import LoanStatus
from osezia.domain.partnerships.model import PartnershipStatus
from osezia.domain.referrals.model import Purpose
from osezia.domain.sizes import Segment, SizeBasis, SizeCategory
from osezia.domain.solutions.model import SolutionStatus, Sovereignty
from osezia.domain.solutions.usecases import UseCaseCategory
from osezia.domain.surveys.model import Survey
from osezia.domain.targets import TargetCode, Unit
from osezia.domain.trainings.model import Audience, EnrolmentStatus

__all__ = [
    "ENUMS",
    "AdmissionStatus",
    "AdoptionStage",
    "AmbassadorKind",
    "AmbassadorProfile",
    "ApplicationStage",
    "Audience",
    "CallKind",
    "DiagnosticStatus",
    "EnrolmentStatus",
    "EventKind",
    "EventStatus",
    "InterventionFormat",
    "LoanStatus",
    "Measure",
    "Network",
    "PartnershipStatus",
    "PlanKind",
    "PrioritySector",
    "Purpose",
    "Segment",
    "SizeBasis",
    "SizeCategory",
    "SolutionStatus",
    "Sovereignty",
    "Survey",
    "TargetCode",
    "Unit",
    "UseCaseCategory",
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
    (
        Sovereignty,
        "Sovereignty",
        "Where a solution provider is from: FR, EU or OTHER (FR and EU are sovereign).",
    ),
    (SolutionStatus, "SolutionStatus", "A catalogue solution is ACTIVE until WITHDRAWN."),
    (
        AmbassadorKind,
        "AmbassadorKind",
        "GRAND_PUBLIC ambassadors tell their own use of AI; REGIONAL and SECTORAL ones cover a "
        "region or sectors.",
    ),
    (PlanKind, "PlanKind", "The two kinds of ambassadors the plan names."),
    (
        AmbassadorProfile,
        "AmbassadorProfile",
        "Who an ambassador is: « grand public » ones are entrepreneurs, athletes and artists; "
        "regional and sectoral ones include the sous-préfets référents France 2030.",
    ),
    (
        Network,
        "AmbassadorNetwork",
        "The partner network an ambassador works with (the plan's list, not the platform's "
        "tenants).",
    ),
    (InterventionFormat, "InterventionFormat", "The format of an ambassador's intervention."),
    (
        EventKind,
        "EventKind",
        "A MONTHLY_MEETUP in a region, or the yearly NATIONAL_DAY of the whole ecosystem.",
    ),
    (EventStatus, "EventStatus", "An event is SCHEDULED, then HELD or CANCELLED."),
    (PartnershipStatus, "PartnershipStatus", "Where a research partnership stands."),
    (Purpose, "ReferralPurpose", "Why a network shares a company with another."),
    (Audience, "Audience", "Who a training of the Académie de l'IA is for."),
    (EnrolmentStatus, "EnrolmentStatus", "A learner is ENROLLED, then has COMPLETED."),
    (LoanStatus, "LoanStatus", "Where a state-guaranteed loan stands."),
    (AdmissionStatus, "AdmissionStatus", "A company admitted to a cohort, and how it left."),
    (
        CallKind,
        "CallKind",
        "GATED: phases one after another, each behind a selective evaluation; SELECTIVE: one "
        "selection, then the funding.",
    ),
    (
        ApplicationStage,
        "ApplicationStage",
        "Where an application to a call stands, without the phase's number: IN_PHASE (the "
        "current phase was awarded, its gate is to come), PHASE_PASSED (its gate was passed), "
        "ENDED (a gate failed), COMPLETED (the last gate passed).",
    ),
    (PrioritySector, "PrioritySector", "The priority sectors of « Pionniers de l'IA »."),
    (Measure, "Measure", "The plan's measures the envelope pays for."),
    (
        Survey,
        "Survey",
        "Who measured a figure: INSEE's TIC-entreprises survey, Bpifrance Le Lab, or another "
        "survey (named by its source).",
    ),
    (TargetCode, "TargetCode", "The plan's 2030 targets."),
    (Unit, "TargetUnit", "What a target counts: a PERCENT of companies, a COUNT, or CENTS."),
)

for _enum, _name, _description in ENUMS:
    strawberry.enum(_enum, name=_name, description=_description)
