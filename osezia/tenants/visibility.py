"""Who sees what: the one rule every read model is built with.

A tenant sees (a) what it owns, (b) what another tenant shared with it (handled by the
referral projection), (c) public reference data (ambassadors, the events calendar), within its
region when it is a regional network, and (d) every record of the kinds its profile lists in
`sees_all` (Bpifrance: diagnostics; INRIA: partnerships). Aggregated figures, which identify no
company, come from the platform's own model and are open to every tenant.
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
        if kind == "referral":
            return self.slug in parties
        if owner == self.slug:
            return True
        return kind in profile.sees_all and in_region


PLATFORM_VIEWER = Viewer(PLATFORM, None)
