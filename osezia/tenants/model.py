"""Tenant: a partner network using the platform, with its profile and its lifecycle."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import InvalidTransition, InvalidValue

# Slugs name PostgreSQL schemas and roles (tenant_<slug>): short, lower case, no quoting needed.
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,30}$")


def check_slug(slug: str) -> None:
    if not _SLUG.match(slug):
        raise InvalidValue(
            f"tenant slug {slug!r} must be 2–31 lower-case letters, digits or dashes, "
            "starting with a letter"
        )


class TenantStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    OFFBOARDED = "OFFBOARDED"


class Tenant(Aggregate):
    """A partner network. Its id derives from its slug: one tenant per slug."""

    class Registered(Aggregate.Created):
        slug: str
        name: str
        profile: dict[str, Any]

    class ProfileChanged(Aggregate.Event):
        profile: dict[str, Any]

    class CommandsGranted(Aggregate.Event):
        """Commands a release added, granted once to a network already registered (profiles
        are data: a new command reaches a stored profile only this way)."""

        commands: list[str]

    class Suspended(Aggregate.Event):
        reason: str

    class Reactivated(Aggregate.Event):
        pass

    class Offboarded(Aggregate.Event):
        reason: str

    @staticmethod
    def create_id(slug: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"tenant/{slug}")

    @event(Registered)
    def __init__(self, slug: str, name: str, profile: dict[str, Any]) -> None:
        self.slug = slug
        self.name = name
        self.profile = profile
        self.status = TenantStatus.ACTIVE
        self.granted: set[str] = set()  # commands a release granted: never granted twice

    def change_profile(self, profile: dict[str, Any]) -> None:
        self._check_not_offboarded("change the profile of")
        self._change_profile(profile)

    @event(ProfileChanged)
    def _change_profile(self, profile: dict[str, Any]) -> None:
        self.profile = profile

    def grant_commands(self, commands: list[str]) -> None:
        self._check_not_offboarded("grant commands to")
        self._grant_commands(commands)

    @event(CommandsGranted)
    def _grant_commands(self, commands: list[str]) -> None:
        self.profile = {**self.profile, "commands": sorted({*self.profile["commands"], *commands})}
        self.granted.update(commands)

    def suspend(self, reason: str) -> None:
        if self.status is not TenantStatus.ACTIVE:
            raise InvalidTransition(f"tenant {self.slug} is {self.status}, not ACTIVE")
        self._suspend(reason)

    @event(Suspended)
    def _suspend(self, reason: str) -> None:
        self.status = TenantStatus.SUSPENDED

    def reactivate(self) -> None:
        if self.status is not TenantStatus.SUSPENDED:
            raise InvalidTransition(f"tenant {self.slug} is {self.status}, not SUSPENDED")
        self._reactivate()

    @event(Reactivated)
    def _reactivate(self) -> None:
        self.status = TenantStatus.ACTIVE

    def offboard(self, reason: str) -> None:
        self._check_not_offboarded("offboard")
        self._offboard(reason)

    @event(Offboarded)
    def _offboard(self, reason: str) -> None:
        self.status = TenantStatus.OFFBOARDED

    def _check_not_offboarded(self, action: str) -> None:
        if self.status is TenantStatus.OFFBOARDED:
            raise InvalidTransition(f"cannot {action} tenant {self.slug}: it was offboarded")


class TenantDirectory(Aggregate):
    """The list of every tenant slug ever registered, so they can be listed without a scan."""

    class Started(Aggregate.Created):
        pass

    class Added(Aggregate.Event):
        slug: str

    @staticmethod
    def create_id() -> UUID:
        return uuid5(OSEZIA_NAMESPACE, "tenant-directory")

    @event(Started)
    def __init__(self) -> None:
        self.slugs: list[str] = []

    @event(Added)
    def add(self, slug: str) -> None:
        self.slugs.append(slug)
