"""Tenant profiles: what each network's roles may do and which records it sees, as data.

A profile is stored in the tenant's events (a plain dict), so changing what a network may do or
see is a command, never a code branch.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from osezia.domain.errors import InvalidValue
from osezia.domain.geography import normalise_region

SCOPES = ("read", "write", "approve", "admin")

# Record kinds. Ambassadors and events are public reference data: every network sees them
# (within its region, for a regional network).
KINDS = (
    "company",
    "diagnostic",
    "ambassador",
    "event",
    "partnership",
    "referral",
    "training",
    "loan",
    "cohort",
    "call",
    "call_application",
    "provider",
    "solution",
    "adoption",
    "budget",
    "survey_measurement",
)
# Public: the calendar, the ambassadors, the calls for projects, the catalogue, the budget and
# the survey measurements.
PUBLIC_KINDS = frozenset(
    {"ambassador", "event", "call", "provider", "solution", "budget", "survey_measurement"}
)

# Commands, by the scope they need.
COMMANDS: dict[str, str] = {
    "register_company": "write",
    "reassess_size": "write",
    "add_establishment": "write",
    "advance_adoption": "write",
    "share_company": "write",
    "revoke_referral": "write",
    "request_diagnostic": "write",
    "check_eligibility": "write",
    "assign_expert": "write",
    "log_expert_days": "write",
    "deliver_inventory": "write",
    "identify_use_cases": "write",
    "prioritise_use_cases": "write",
    "deliver_report": "write",
    "cancel_diagnostic": "write",
    "pay_cofinancing": "approve",
    "appoint_ambassador": "write",
    "record_intervention": "write",
    "withdraw_ambassador": "write",
    "schedule_event": "write",
    "register_to_event": "write",
    "book_meeting": "write",
    "record_attendance": "write",
    "hold_event": "write",
    "cancel_event": "write",
    "propose_partnership": "write",
    "sign_partnership": "approve",
    "start_partnership": "write",
    "complete_partnership": "write",
    "abandon_partnership": "write",
    "enrol_learner": "write",
    "complete_training": "write",
    "import_trainings": "write",
    "apply_for_loan": "write",
    "grant_guarantee": "approve",
    "refuse_guarantee": "approve",
    "disburse_loan": "approve",
    "open_cohort": "approve",
    "admit_to_cohort": "write",
    "record_milestone": "write",
    "graduate_from_cohort": "write",
    "exit_cohort": "write",
    "open_call": "approve",
    "submit_application": "write",
    "select_application": "approve",
    "reject_application": "approve",
    "evaluate_gate": "approve",
    "award_phase": "approve",
    "list_provider": "write",
    "list_solution": "write",
    "withdraw_solution": "write",
    "record_adoption": "write",
    "open_budget": "admin",
    "commit_funds": "approve",
    "pay_funds": "approve",
    "authorise_overrun": "admin",
    # The country's figures are published facts, but the dashboard reads every network's
    # results against them: a manager's decision, as paying funds is.
    "record_survey_measurement": "approve",
    "manage_tenants": "admin",
}


# Commands a release added by splitting them off an existing one: a network whose stored profile
# has the older command is granted the newer one once (Tenants.grant_new_commands, run by
# `osezia migrate`). Holding an event was part of recording its attendance. Recording survey
# measurements came with the operator's role, which opening the budget marks.
SUCCESSORS: Mapping[str, str] = {
    "hold_event": "record_attendance",
    "record_survey_measurement": "open_budget",
}


def successors_due(profile: Profile, granted: Collection[str]) -> list[str]:
    """The commands SUCCESSORS owes ``profile``, leaving out those granted before."""
    return sorted(
        new
        for new, old in SUCCESSORS.items()
        if old in profile.commands and new not in profile.commands and new not in granted
    )


@dataclass(frozen=True)
class Profile:
    """What a network may do and see."""

    commands: frozenset[str]
    sees_all: frozenset[str] = frozenset()
    region: str | None = None
    roles: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: {
            "analyst": frozenset({"read"}),
            "officer": frozenset({"read", "write"}),
            "manager": frozenset({"read", "write", "approve"}),
            "admin": frozenset({"read", "write", "approve", "admin"}),
        }
    )

    def check(self) -> None:
        unknown = self.commands - COMMANDS.keys()
        if unknown:
            raise InvalidValue(f"unknown commands in profile: {', '.join(sorted(unknown))}")
        bad_kinds = self.sees_all - set(KINDS)
        if bad_kinds:
            raise InvalidValue(f"unknown record kinds in profile: {', '.join(sorted(bad_kinds))}")
        if self.region is not None:
            normalise_region(self.region)  # a regional network names one of the 18 regions
        for role, scopes in self.roles.items():
            if not scopes <= set(SCOPES):
                raise InvalidValue(f"role {role!r} has unknown scopes: {sorted(scopes)}")

    def may(self, role: str, command: str) -> bool:
        """May this role of the tenant issue this command?"""
        scope = COMMANDS.get(command)
        return (
            scope is not None
            and command in self.commands
            and scope in self.roles.get(role, frozenset())
        )

    def sight(self) -> dict[str, Any]:
        """The part of the profile that decides what the network sees, which its read models
        are built for: a change of its commands alone needs no rebuild."""
        return {"sees_all": sorted(self.sees_all), "region": self.region}

    def as_data(self) -> dict[str, Any]:
        return {
            "commands": sorted(self.commands),
            "sees_all": sorted(self.sees_all),
            "region": self.region,
            "roles": {role: sorted(scopes) for role, scopes in sorted(self.roles.items())},
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Profile:
        return cls(
            commands=frozenset(data["commands"]),
            sees_all=frozenset(data.get("sees_all", ())),
            region=data.get("region"),
            roles={role: frozenset(scopes) for role, scopes in data["roles"].items()},
        )


_COMPANY_WORK = frozenset(
    {
        "register_company",
        "reassess_size",
        "add_establishment",
        "advance_adoption",
        "share_company",
        "revoke_referral",
    }
)
_DIAGNOSTICS = frozenset(c for c in COMMANDS if c.endswith("diagnostic")) | {
    "check_eligibility",
    "assign_expert",
    "log_expert_days",
    "deliver_inventory",
    "identify_use_cases",
    "prioritise_use_cases",
    "deliver_report",
    "pay_cofinancing",
}
_GATHERINGS = frozenset(
    {
        "appoint_ambassador",
        "record_intervention",
        "withdraw_ambassador",
        "schedule_event",
        "register_to_event",
        "book_meeting",
        "record_attendance",
        "hold_event",
        "cancel_event",
    }
)
_PARTNERSHIPS = frozenset(c for c in COMMANDS if c.endswith("partnership"))
_ACADEMIE = frozenset({"enrol_learner", "complete_training", "import_trainings"})
_LOANS = frozenset({"apply_for_loan", "grant_guarantee", "refuse_guarantee", "disburse_loan"})
_ACCELERATION = frozenset(
    {"open_cohort", "admit_to_cohort", "record_milestone", "graduate_from_cohort", "exit_cohort"}
)
_CALL_DECISIONS = frozenset(
    {"open_call", "select_application", "reject_application", "evaluate_gate", "award_phase"}
)
_CATALOGUE = frozenset({"list_provider", "list_solution", "withdraw_solution", "record_adoption"})
_BUDGET = frozenset({"open_budget", "commit_funds", "pay_funds", "authorise_overrun"})

# The networks seeded at first start. Only Bpifrance pays a diagnostic's co-financing, grants a
# loan guarantee or runs the acceleration programme; only INRIA signs an INRIA partnership; both
# decide on calls for projects (each contracts its own phases of Pionniers de l'IA). Bpifrance
# sees every diagnostic, loan, cohort and application; INRIA every partnership and application;
# the State, as operator of the plan, sees everything.
DEFAULT_TENANTS: dict[str, tuple[str, Profile]] = {
    "operator": (
        "État (opérateur du plan)",
        Profile(
            commands=_GATHERINGS
            | _ACADEMIE
            | _BUDGET
            | {"open_call", "record_survey_measurement", "manage_tenants"},
            sees_all=frozenset(KINDS),
        ),
    ),
    "bpifrance": (
        "Bpifrance",
        Profile(
            commands=_COMPANY_WORK
            | _DIAGNOSTICS
            | _GATHERINGS
            | _LOANS
            | _ACCELERATION
            | _CALL_DECISIONS
            | _CATALOGUE
            | {"submit_application", "commit_funds", "pay_funds"},
            sees_all=frozenset({"diagnostic", "loan", "cohort", "call_application"}),
        ),
    ),
    "cci": (
        "CCI France",
        Profile(
            commands=_COMPANY_WORK
            | _GATHERINGS
            | _CATALOGUE
            | {"request_diagnostic", "cancel_diagnostic", "apply_for_loan", "submit_application"}
        ),
    ),
    "french-tech": (
        "La French Tech",
        Profile(
            commands=_COMPANY_WORK
            | _GATHERINGS
            | _CATALOGUE
            | {"apply_for_loan", "submit_application"}
        ),
    ),
    "inria": (
        "INRIA",
        Profile(
            commands=_COMPANY_WORK
            | _PARTNERSHIPS
            | _GATHERINGS
            | _CALL_DECISIONS
            | {"submit_application"},
            sees_all=frozenset({"partnership", "call_application"}),
        ),
    ),
}
