"""Who sees what: the one rule every read model is built with, and every command checks.

A tenant sees (a) what it owns, or stands in as a party (a company it follows, a referral it
made or received, the company one of its own records is about), (b) a company another tenant
shared with it (handled by the referral projection), (c) public reference data (ambassadors,
the events calendar), within its region when it is a regional network, and (d) every record
of the kinds its profile lists in `sees_all` (Bpifrance: diagnostics; INRIA: partnerships).
Aggregated figures, which identify no company, come from the platform's own model and are
open to every tenant.

Who registered whom to an event the tenant sees is shown to the event's organiser (every
registration) and to the registering network (its own); every other viewer sees counts only.

A network *acts* only on what it sees by its own standing: (a) and (c), never (d). Bpifrance,
which sees every diagnostic, follows a company or receives a referral before it acts on it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from osezia.tenants.profiles import PUBLIC_KINDS, Profile

PLATFORM = "platform"  # the read model behind the figures: it sees everything, serves no tenant


@dataclass(frozen=True)
class Viewer:
    slug: str
    profile: Profile | None  # None: the platform's own model

    def sees(
        self, kind: str, owner: str, region: str | None, parties: Collection[str] = ()
    ) -> bool:
        profile = self.profile
        if profile is None:
            return True
        in_region = profile.region is None or region is None or region == profile.region
        if kind in PUBLIC_KINDS:
            return in_region
        if owner == self.slug or self.slug in parties:
            return True
        if kind == "referral":
            return False
        return kind in profile.sees_all and in_region

    def sees_company(self, owner: str, region: str | None, record_owners: Collection[str]) -> bool:
        """Whether this viewer sees a company whose records (diagnostics, partnerships, loans…)
        are owned by ``record_owners``: a network always sees the company of its own records,
        whoever registered it and wherever it is, so that a record never shows a company the
        reader cannot open (a referral since revoked, a company registered before records had
        to name one the network follows)."""
        return self.sees("company", owner, region, record_owners)

    def sees_registration(self, organiser: str, registrant: str) -> bool:
        """Whether this viewer, who sees the event, sees that ``registrant`` registered one of
        its participants: it organises the event or made that registration."""
        return self.profile is None or self.slug in (organiser, registrant)


PLATFORM_VIEWER = Viewer(PLATFORM, None)

_BY_STANDING = Profile(commands=frozenset())  # sees nothing through `sees_all` or a region


def may_act_on(
    tenant: str, kind: str, owner: str, region: str | None, parties: Collection[str]
) -> bool:
    """Whether ``tenant`` may name this record in a command: it sees it by its own standing."""
    return Viewer(tenant, _BY_STANDING).sees(kind, owner, region, parties)
