"""Ambassador: one of the plan's AI ambassadors, their interventions and their withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar

from eventsourcing.domain import Aggregate, event

from osezia.domain.errors import InvalidDate, InvalidRegion, InvalidTransition, InvalidValue
from osezia.domain.personal import PersonalData, of_ambassador, personal_data


class AmbassadorKind(StrEnum):
    """Grand public ambassadors tell their own use of AI; the others cover a region or sectors."""

    GRAND_PUBLIC = "GRAND_PUBLIC"
    REGIONAL = "REGIONAL"
    SECTORAL = "SECTORAL"


class PlanKind(StrEnum):
    """The two kinds the plan names: « grand public » ambassadors tell their own use of AI;
    « régionaux et sectoriels » ones cover a region or sectors (agipi.com, economie.gouv.fr)."""

    GRAND_PUBLIC = "GRAND_PUBLIC"
    REGIONAL_AND_SECTORAL = "REGIONAL_AND_SECTORAL"


def plan_kind(kind: AmbassadorKind) -> PlanKind:
    if kind is AmbassadorKind.GRAND_PUBLIC:
        return PlanKind.GRAND_PUBLIC
    return PlanKind.REGIONAL_AND_SECTORAL


class AmbassadorProfile(StrEnum):
    """Who the ambassador is, as the plan describes them: « grand public » ambassadors are
    entrepreneurs, athletes and artists; regional and sectoral ones include the sous-préfets
    référents France 2030, and experts of the partner networks."""

    ENTREPRENEUR = "ENTREPRENEUR"
    ATHLETE = "ATHLETE"
    ARTIST = "ARTIST"
    SOUS_PREFET_REFERENT = "SOUS_PREFET_REFERENT"
    EXPERT = "EXPERT"


PROFILES_OF: dict[PlanKind, frozenset[AmbassadorProfile]] = {
    PlanKind.GRAND_PUBLIC: frozenset(
        {AmbassadorProfile.ENTREPRENEUR, AmbassadorProfile.ATHLETE, AmbassadorProfile.ARTIST}
    ),
    PlanKind.REGIONAL_AND_SECTORAL: frozenset(
        {
            AmbassadorProfile.ENTREPRENEUR,
            AmbassadorProfile.SOUS_PREFET_REFERENT,
            AmbassadorProfile.EXPERT,
        }
    ),
}


class Network(StrEnum):
    """The partner network the ambassador works with."""

    CCI = "CCI"
    BPIFRANCE = "BPIFRANCE"
    FRENCH_TECH = "FRENCH_TECH"
    FRANCE_NUM = "FRANCE_NUM"
    OTHER = "OTHER"


class InterventionFormat(StrEnum):
    CONFERENCE = "CONFERENCE"
    WORKSHOP = "WORKSHOP"
    WEBINAR = "WEBINAR"
    MEETUP = "MEETUP"
    MEDIA = "MEDIA"


@dataclass(frozen=True)
class Intervention:
    on: date
    audience: int
    format: InterventionFormat


class Ambassador(Aggregate):
    """An AI ambassador, appointed by a partner network (the tenant)."""

    class Appointed(Aggregate.Created):
        """A network appointed the ambassador; region is None for a non-regional one."""

        tenant: str
        full_name: str
        kind: str
        network: str
        region: str | None
        sectors: list[str]
        appointed_on: date
        class_version = 2
        profile: str | None  # None: not recorded (appointed before profiles were)
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_ambassador("full_name"),
            not_personal=("tenant", "kind", "network", "region", "sectors", "profile"),
        )

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["profile"] = None

    class InterventionRecorded(Aggregate.Event):
        """The ambassador spoke to an audience of ``audience`` people."""

        on: date
        audience: int
        format: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("format",))

    class Withdrawn(Aggregate.Event):
        """The ambassador left the network; no intervention is recorded after this."""

        reason: str  # why the person left: about them
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(of_ambassador("reason"))

    class NameCorrected(Aggregate.Event):
        """The ambassador's name was corrected (RGPD art. 16). It is sealed under a new key
        generation of theirs, and the older ones are destroyed: the name recorded before reads
        « effacé » from then on."""

        full_name: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(of_ambassador("full_name"))

    @classmethod
    def appoint(
        cls,
        tenant: str,
        full_name: str,
        kind: AmbassadorKind,
        network: Network,
        region: str | None,
        sectors: list[str],
        appointed_on: date,
        profile: AmbassadorProfile | None = None,
    ) -> Ambassador:
        cls.check_scope(kind, region, sectors)
        cls.check_profile(kind, profile)
        return cls(
            tenant=tenant,
            full_name=full_name,
            kind=kind.value,
            network=network.value,
            region=region,
            sectors=sectors,
            appointed_on=appointed_on,
            profile=None if profile is None else profile.value,
        )

    @staticmethod
    def check_profile(kind: AmbassadorKind, profile: AmbassadorProfile | None) -> None:
        allowed = PROFILES_OF[plan_kind(kind)]
        if profile is not None and profile not in allowed:
            raise InvalidValue(
                f"profile {profile} is not one of a {kind} ambassador's, who is "
                f"{plan_kind(kind)}: {', '.join(sorted(allowed))}"
            )

    @staticmethod
    def check_scope(kind: AmbassadorKind, region: str | None, sectors: list[str]) -> None:
        if kind is AmbassadorKind.REGIONAL and region is None:
            raise InvalidRegion("a REGIONAL ambassador must be given a region")
        if kind is AmbassadorKind.SECTORAL and not sectors:
            raise InvalidValue("a SECTORAL ambassador must be given at least one sector")

    @event(Appointed)
    def __init__(
        self,
        tenant: str,
        full_name: str,
        kind: str,
        network: str,
        region: str | None,
        sectors: list[str],
        appointed_on: date,
        profile: str | None = None,
    ) -> None:
        self.tenant = tenant
        self.full_name = full_name
        self.kind = AmbassadorKind(kind)
        self.network = Network(network)
        self.region = region
        self.sectors = list(sectors)
        self.appointed_on = appointed_on
        self.profile = None if profile is None else AmbassadorProfile(profile)
        self.interventions: list[Intervention] = []
        self.withdrawn_on: date | None = None
        self.withdrawal_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None

    @property
    def total_audience(self) -> int:
        return sum(intervention.audience for intervention in self.interventions)

    def record_intervention(self, on: date, audience: int, format: InterventionFormat) -> None:
        self.check_active("record an intervention")
        self.check_not_before_appointment(on, "an intervention")
        self.check_audience(audience)
        self._record_intervention(on, audience, format.value)

    def check_active(self, action: str) -> None:
        if self.withdrawn_on is not None:
            raise InvalidTransition(
                f"ambassador {self.full_name} was withdrawn on {self.withdrawn_on}; cannot {action}"
            )

    def check_not_before_appointment(self, on: date, what: str) -> None:
        if on < self.appointed_on:
            raise InvalidDate(
                f"{what} dated {on} is before the appointment of {self.full_name} "
                f"({self.appointed_on})"
            )

    @staticmethod
    def check_audience(audience: int) -> None:
        if audience < 1:
            raise InvalidValue(f"audience size {audience} must be at least 1 person")

    @event(InterventionRecorded)
    def _record_intervention(self, on: date, audience: int, format: str) -> None:
        self.interventions.append(Intervention(on, audience, InterventionFormat(format)))

    def withdraw(self, reason: str, on: date) -> None:
        self.check_active("withdraw them again")
        self.check_not_before_appointment(on, "a withdrawal")
        self.check_after_interventions(on)
        self._withdraw(reason, on)

    def check_after_interventions(self, on: date) -> None:
        last = max((intervention.on for intervention in self.interventions), default=None)
        if last is not None and on < last:
            raise InvalidDate(
                f"a withdrawal dated {on} is before {self.full_name}'s last intervention ({last})"
            )

    def correct_name(self, full_name: str) -> None:
        if full_name == self.full_name:
            raise InvalidValue("the corrected name is the name recorded: nothing to correct")
        self._correct_name(full_name)

    @event(NameCorrected)
    def _correct_name(self, full_name: str) -> None:
        self.full_name = full_name

    @event(Withdrawn)
    def _withdraw(self, reason: str, on: date) -> None:
        self.withdrawn_on = on
        self.withdrawal_reason = reason
