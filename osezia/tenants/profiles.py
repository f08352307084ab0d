"""Tenant profiles: what each network's roles may do and which records it sees, as data.

A profile is stored in the tenant's events (a plain dict), so changing what a network may do or
see is a command, never a code branch.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from osezia.domain.commands import Command
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
    Command.REGISTER_COMPANY: "write",
    Command.REASSESS_SIZE: "write",
    Command.ADD_ESTABLISHMENT: "write",
    Command.ADVANCE_ADOPTION: "write",
    Command.SHARE_COMPANY: "write",
    Command.REVOKE_REFERRAL: "write",
    Command.REQUEST_DIAGNOSTIC: "write",
    Command.CHECK_ELIGIBILITY: "write",
    Command.ASSIGN_EXPERT: "write",
    Command.LOG_EXPERT_DAYS: "write",
    Command.DELIVER_INVENTORY: "write",
    Command.IDENTIFY_USE_CASES: "write",
    Command.PRIORITISE_USE_CASES: "write",
    Command.DELIVER_REPORT: "write",
    Command.CANCEL_DIAGNOSTIC: "write",
    Command.PAY_COFINANCING: "approve",
    Command.APPOINT_AMBASSADOR: "write",
    Command.RECORD_INTERVENTION: "write",
    Command.WITHDRAW_AMBASSADOR: "write",
    Command.SCHEDULE_EVENT: "write",
    Command.REGISTER_TO_EVENT: "write",
    Command.BOOK_MEETING: "write",
    Command.RECORD_ATTENDANCE: "write",
    Command.HOLD_EVENT: "write",
    Command.CANCEL_EVENT: "write",
    Command.PROPOSE_PARTNERSHIP: "write",
    Command.SIGN_PARTNERSHIP: "approve",
    Command.START_PARTNERSHIP: "write",
    Command.COMPLETE_PARTNERSHIP: "write",
    Command.ABANDON_PARTNERSHIP: "write",
    Command.ENROL_LEARNER: "write",
    Command.COMPLETE_TRAINING: "write",
    Command.IMPORT_TRAININGS: "write",
    Command.APPLY_FOR_LOAN: "write",
    Command.GRANT_GUARANTEE: "approve",
    Command.REFUSE_GUARANTEE: "approve",
    Command.DISBURSE_LOAN: "approve",
    Command.OPEN_COHORT: "approve",
    Command.ADMIT_TO_COHORT: "write",
    Command.RECORD_MILESTONE: "write",
    Command.GRADUATE_FROM_COHORT: "write",
    Command.EXIT_COHORT: "write",
    Command.OPEN_CALL: "approve",
    Command.SUBMIT_APPLICATION: "write",
    Command.SELECT_APPLICATION: "approve",
    Command.REJECT_APPLICATION: "approve",
    Command.EVALUATE_GATE: "approve",
    Command.AWARD_PHASE: "approve",
    Command.LIST_PROVIDER: "write",
    Command.LIST_SOLUTION: "write",
    Command.WITHDRAW_SOLUTION: "write",
    Command.RECORD_ADOPTION: "write",
    Command.OPEN_BUDGET: "admin",
    Command.COMMIT_FUNDS: "approve",
    Command.PAY_FUNDS: "approve",
    Command.AUTHORISE_OVERRUN: "admin",
    # The country's figures are published facts, but the dashboard reads every network's
    # results against them: a manager's decision, as paying funds is.
    Command.RECORD_SURVEY_MEASUREMENT: "approve",
    Command.MANAGE_TENANTS: "admin",
    # A person's rights (RGPD art. 15 and 17), exercised by the network that recorded them.
    Command.EXPORT_PERSON: "admin",
    Command.ERASE_PERSON: "admin",
}


# Commands a release added by splitting them off an existing one: a network whose stored profile
# has the older command is granted the newer one once (Tenants.grant_new_commands, run by
# `osezia migrate`). Holding an event was part of recording its attendance. Recording survey
# measurements came with the operator's role, which opening the budget marks.
SUCCESSORS: Mapping[str, str] = {
    Command.HOLD_EVENT: Command.RECORD_ATTENDANCE,
    Command.RECORD_SURVEY_MEASUREMENT: Command.OPEN_BUDGET,
}


def successors_due(profile: Profile, granted: Collection[str]) -> list[str]:
    """The commands SUCCESSORS owes ``profile``, leaving out those granted before."""
    return sorted(
        str(new)  # a plain name, as stored
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
            "commands": sorted(str(command) for command in self.commands),  # plain names
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
        Command.REGISTER_COMPANY,
        Command.REASSESS_SIZE,
        Command.ADD_ESTABLISHMENT,
        Command.ADVANCE_ADOPTION,
        Command.SHARE_COMPANY,
        Command.REVOKE_REFERRAL,
    }
)
_DIAGNOSTICS = frozenset(c for c in COMMANDS if c.endswith("diagnostic")) | {
    Command.CHECK_ELIGIBILITY,
    Command.ASSIGN_EXPERT,
    Command.LOG_EXPERT_DAYS,
    Command.DELIVER_INVENTORY,
    Command.IDENTIFY_USE_CASES,
    Command.PRIORITISE_USE_CASES,
    Command.DELIVER_REPORT,
    Command.PAY_COFINANCING,
}
_GATHERINGS = frozenset(
    {
        Command.APPOINT_AMBASSADOR,
        Command.RECORD_INTERVENTION,
        Command.WITHDRAW_AMBASSADOR,
        Command.SCHEDULE_EVENT,
        Command.REGISTER_TO_EVENT,
        Command.BOOK_MEETING,
        Command.RECORD_ATTENDANCE,
        Command.HOLD_EVENT,
        Command.CANCEL_EVENT,
    }
)
_PARTNERSHIPS = frozenset(c for c in COMMANDS if c.endswith("partnership"))
_ACADEMIE = frozenset({Command.ENROL_LEARNER, Command.COMPLETE_TRAINING, Command.IMPORT_TRAININGS})
_LOANS = frozenset(
    {
        Command.APPLY_FOR_LOAN,
        Command.GRANT_GUARANTEE,
        Command.REFUSE_GUARANTEE,
        Command.DISBURSE_LOAN,
    }
)
_ACCELERATION = frozenset(
    {
        Command.OPEN_COHORT,
        Command.ADMIT_TO_COHORT,
        Command.RECORD_MILESTONE,
        Command.GRADUATE_FROM_COHORT,
        Command.EXIT_COHORT,
    }
)
_CALL_DECISIONS = frozenset(
    {
        Command.OPEN_CALL,
        Command.SELECT_APPLICATION,
        Command.REJECT_APPLICATION,
        Command.EVALUATE_GATE,
        Command.AWARD_PHASE,
    }
)
_CATALOGUE = frozenset(
    {
        Command.LIST_PROVIDER,
        Command.LIST_SOLUTION,
        Command.WITHDRAW_SOLUTION,
        Command.RECORD_ADOPTION,
    }
)
# Every network is the controller of the people it records: each answers their rights.
_PRIVACY = frozenset({Command.EXPORT_PERSON, Command.ERASE_PERSON})
_BUDGET = frozenset(
    {Command.OPEN_BUDGET, Command.COMMIT_FUNDS, Command.PAY_FUNDS, Command.AUTHORISE_OVERRUN}
)

# What a network pilots for the State, by its slug: it acts on every record of these kinds,
# whichever network owns it, and alone takes the decisions the domain's rules keep for the pilot
# (a diagnostic's co-financing, a loan's guarantee, opening a cohort). The domain asks
# pilot_of through Networks.pilot. Not stored with a profile: seeded networks' data, as
# DEFAULT_TENANTS is.
PILOTS: Mapping[str, frozenset[str]] = {
    "bpifrance": frozenset({"diagnostic", "loan", "cohort"}),
}


def pilot_of(kind: str) -> str:
    """The network that pilots records of ``kind``; LookupError if none does."""
    pilots = [slug for slug, kinds in PILOTS.items() if kind in kinds]
    if len(pilots) != 1:
        raise LookupError(f"{len(pilots)} networks pilot the record kind {kind!r}, not one")
    return pilots[0]


# The networks seeded at first start. Only Bpifrance pays a diagnostic's co-financing, grants a
# loan guarantee or runs the acceleration programme; only INRIA signs an INRIA partnership; both
# decide on calls for projects (each contracts its own phases of Pionniers de l'IA). Bpifrance
# sees every diagnostic, loan, cohort and application; INRIA every partnership and application;
# the State, as operator of the plan, sees everything.
DEFAULT_TENANTS: dict[str, tuple[str, Profile]] = {
    "operator": (
        "État (opérateur du plan)",
        Profile(
            commands=_PRIVACY
            | _GATHERINGS
            | _ACADEMIE
            | _BUDGET
            | {Command.OPEN_CALL, Command.RECORD_SURVEY_MEASUREMENT, Command.MANAGE_TENANTS},
            sees_all=frozenset(KINDS),
        ),
    ),
    "bpifrance": (
        "Bpifrance",
        Profile(
            commands=_PRIVACY
            | _COMPANY_WORK
            | _DIAGNOSTICS
            | _GATHERINGS
            | _LOANS
            | _ACCELERATION
            | _CALL_DECISIONS
            | _CATALOGUE
            | {Command.SUBMIT_APPLICATION, Command.COMMIT_FUNDS, Command.PAY_FUNDS},
            sees_all=frozenset({"diagnostic", "loan", "cohort", "call_application"}),
        ),
    ),
    "cci": (
        "CCI France",
        Profile(
            commands=_PRIVACY
            | _COMPANY_WORK
            | _GATHERINGS
            | _CATALOGUE
            | {
                Command.REQUEST_DIAGNOSTIC,
                Command.CANCEL_DIAGNOSTIC,
                Command.APPLY_FOR_LOAN,
                Command.SUBMIT_APPLICATION,
            }
        ),
    ),
    "french-tech": (
        "La French Tech",
        Profile(
            commands=_PRIVACY
            | _COMPANY_WORK
            | _GATHERINGS
            | _CATALOGUE
            | {Command.APPLY_FOR_LOAN, Command.SUBMIT_APPLICATION}
        ),
    ),
    "inria": (
        "INRIA",
        Profile(
            commands=_PRIVACY
            | _COMPANY_WORK
            | _PARTNERSHIPS
            | _GATHERINGS
            | _CALL_DECISIONS
            | {Command.SUBMIT_APPLICATION},
            sees_all=frozenset({"partnership", "call_application"}),
        ),
    ),
}
