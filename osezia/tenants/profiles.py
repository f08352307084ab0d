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
from osezia.domain.grants import OPERATOR, gathered

SCOPES = ("read", "write", "approve", "admin")

# Each feature declares its entries (osezia.domain.grants); what the platform itself adds, below.
FEATURES = gathered()

# Record kinds. Public ones (the calendar, the ambassadors, the calls for projects, the
# catalogue, the budget, the survey measurements) are reference data: every network sees them,
# within its region for a regional network.
KINDS: tuple[str, ...] = tuple(kind for grants in FEATURES.values() for kind in grants.kinds)
PUBLIC_KINDS = frozenset(kind for grants in FEATURES.values() for kind in grants.public)

# Commands, by the scope they need.
COMMANDS: dict[str, str] = {
    **{command: scope for grants in FEATURES.values() for command, scope in grants.scopes.items()},
    Command.MANAGE_TENANTS: "admin",
}


# Commands a release added by splitting them off an existing one: a network whose stored profile
# has the older command is granted the newer one once (Tenants.grant_new_commands, run by
# `osezia migrate`).
SUCCESSORS: Mapping[str, str] = {
    new: old for grants in FEATURES.values() for new, old in grants.successors.items()
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


# What a network pilots for the State, by its slug: it acts on every record of these kinds,
# whichever network owns it, and alone takes the decisions the domain's rules keep for the pilot
# (a diagnostic's co-financing, a loan's guarantee, opening a cohort). The domain asks
# pilot_of through Networks.pilot. Not stored with a profile: seeded networks' data, as
# DEFAULT_TENANTS is.
PILOTS: Mapping[str, frozenset[str]] = {
    network: frozenset(
        kind
        for grants in FEATURES.values()
        for kind, pilot in grants.pilots.items()
        if pilot == network
    )
    for network in sorted({p for grants in FEATURES.values() for p in grants.pilots.values()})
}


def pilot_of(kind: str) -> str:
    """The network that pilots records of ``kind``; LookupError if none does."""
    pilots = [slug for slug, kinds in PILOTS.items() if kind in kinds]
    if len(pilots) != 1:
        raise LookupError(f"{len(pilots)} networks pilot the record kind {kind!r}, not one")
    return pilots[0]


# The networks seeded at first start, and what each is granted besides the features' share
# (Grants.defaults and Grants.sees_all): the State, as operator of the plan, sees everything
# and manages the tenants. Their slugs are osezia.domain.grants.SEEDED_NETWORKS, in its order.
SEEDED: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    OPERATOR: (
        "État (opérateur du plan)",
        frozenset({Command.MANAGE_TENANTS}),
        frozenset(KINDS),
    ),
    "bpifrance": ("Bpifrance", frozenset(), frozenset()),
    "cci": ("CCI France", frozenset(), frozenset()),
    "french-tech": ("La French Tech", frozenset(), frozenset()),
    "inria": ("INRIA", frozenset(), frozenset()),
}


def _seeded(slug: str, commands: frozenset[str], sees_all: frozenset[str]) -> Profile:
    grants = FEATURES.values()
    return Profile(
        commands=commands.union(*(g.defaults.get(slug, frozenset()) for g in grants)),
        sees_all=sees_all.union(*(g.sees_all.get(slug, frozenset()) for g in grants)),
    )


DEFAULT_TENANTS: dict[str, tuple[str, Profile]] = {
    slug: (name, _seeded(slug, commands, sees_all))
    for slug, (name, commands, sees_all) in SEEDED.items()
}
