"""Company: a legal unit (SIREN), followed by the networks that work with it.

Its public SIRENE facts (SIREN, name, region, département, NAF) are shared. Each network that
registers the SIREN *follows* it and keeps its own record of what it collected: size figures,
establishments, adoption stage. A network sees a company it follows or one another network
referred to it; nothing in one network's record reaches another, except through a referral.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.companies.record import AdoptionStage, Record
from osezia.domain.errors import (
    AlreadyRegistered,
    InvalidDate,
    InvalidSiret,
    InvalidTransition,
    InvalidValue,
)
from osezia.domain.naf import NAF_REV2
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data


def _by_first_follower(state: dict[str, Any]) -> None:
    # Before networks could follow a company, its only record was its registrant's: an event
    # of that time names no network, and None stands for the registrant.
    state["tenant"] = None


def _in_naf_rev2(state: dict[str, Any]) -> None:
    # Before the nomenclature was recorded with the code, every code was one of NAF rév. 2.
    state["naf_nomenclature"] = NAF_REV2


def _legal_category_unknown(state: dict[str, Any]) -> None:
    # Before the catégorie juridique was recorded, no registration gave one.
    state["legal_category"] = None


class Company(Aggregate):
    """A company known to the platform. Its id derives from its SIREN: one record per SIREN."""

    class Registered(Aggregate.Created):
        """The first network registered the company, and follows it."""

        class_version = 3
        tenant: str
        siren: str
        legal_name: str
        region: str
        departement: str
        naf: str
        naf_nomenclature: str
        legal_category: str | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("legal_name", siren="siren"),
            not_personal=(
                "tenant",
                "siren",
                "region",
                "departement",
                "naf",
                "naf_nomenclature",
                "legal_category",
            ),
        )

        upcast_v1_v2 = staticmethod(_in_naf_rev2)
        upcast_v2_v3 = staticmethod(_legal_category_unknown)

    class Followed(Aggregate.Event):
        """Another network registered the company: it follows it with a record of its own."""

        class_version = 3
        tenant: str
        siren: str
        legal_name: str
        region: str
        departement: str
        naf: str
        naf_nomenclature: str
        legal_category: str | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("legal_name", siren="siren"),
            not_personal=(
                "tenant",
                "siren",
                "region",
                "departement",
                "naf",
                "naf_nomenclature",
                "legal_category",
            ),
        )

        upcast_v1_v2 = staticmethod(_in_naf_rev2)
        upcast_v2_v3 = staticmethod(_legal_category_unknown)

    class LegalCategoryRecorded(Aggregate.Event):
        """A follower recorded the company's catégorie juridique (INSEE, level III), a public
        SIRENE fact every network sees: 1000 tells a sole trader."""

        legal_category: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("legal_category",))

    class LegalNameCorrected(Aggregate.Event):
        """A follower corrected the company's legal name: a public SIRENE fact, every network's
        record takes it. Like every name of a company it is sealed under the SIREN's key. For a
        sole trader, whose name is their own (RGPD art. 16), or a company whose catégorie
        juridique is unknown, under a new generation of it, and the older ones are destroyed:
        the name recorded before, in the company's events and in the records that copied it,
        reads « effacé » from then on."""

        siren: str
        legal_name: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("legal_name", siren="siren"), not_personal=("siren",)
        )

    class SizeAssessed(Aggregate.Event):
        """A network (re)computed the legal size category, with the basis it rests on."""

        class_version = 2
        tenant: str | None
        category: str
        basis: str
        segment: str
        headcount_uta: Decimal | None
        turnover_cents: int | None
        balance_sheet_cents: int | None
        sirene_category: str | None
        staff_band: str | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "category", "basis", "segment", "sirene_category", "staff_band")
        )

        upcast_v1_v2 = staticmethod(_by_first_follower)

    class EstablishmentAdded(Aggregate.Event):
        """A network added one of the company's establishments (SIRET) to its record."""

        class_version = 2
        tenant: str | None
        siret: str
        departement: str
        head_office: bool
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "siret", "departement")
        )

        upcast_v1_v2 = staticmethod(_by_first_follower)

    class AdoptionStageChanged(Aggregate.Event):
        """A network recorded that the company reached a further stage of AI adoption."""

        class_version = 2
        tenant: str | None
        stage: str
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("tenant", "stage"))

        upcast_v1_v2 = staticmethod(_by_first_follower)

    class Referred(Aggregate.Event):
        """A follower referred the company to another network (the referral's own record
        holds the reason and consent): the receiver sees the referrer's record."""

        referral_id: UUID
        from_tenant: str
        to_tenant: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("from_tenant", "to_tenant")
        )

    class ReferralEnded(Aggregate.Event):
        """A referral of the company to another network was revoked."""

        referral_id: UUID

    @staticmethod
    def create_id(siren: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"company/{siren}")

    @event(Registered)
    def __init__(
        self,
        tenant: str,
        siren: str,
        legal_name: str,
        region: str,
        departement: str,
        naf: str,
        naf_nomenclature: str = NAF_REV2,
        legal_category: str | None = None,
    ) -> None:
        self.tenant = tenant  # the first follower
        self.siren = siren
        self.legal_category = legal_category  # None until a network records it
        self.records: dict[str, Record] = {
            tenant: Record(legal_name, region, departement, naf, naf_nomenclature)
        }
        self.referrals: dict[UUID, tuple[str, str]] = {}  # live ones: (from, to)

    @property
    def legal_name(self) -> str:
        """The public SIRENE facts, as the company was first registered (its name as
        corrected since, if it was)."""
        return self.records[self.tenant].legal_name

    @property
    def region(self) -> str:
        return self.records[self.tenant].region

    @property
    def departement(self) -> str:
        return self.records[self.tenant].departement

    @property
    def naf(self) -> str:
        return self.records[self.tenant].naf

    @property
    def naf_nomenclature(self) -> str:
        """The nomenclature the code belongs to, as SIRENE records it (``NAFRev2``)."""
        return self.records[self.tenant].naf_nomenclature

    @property
    def parties(self) -> frozenset[str]:
        """The networks that stand in the company: its followers and the receivers of a live
        referral."""
        return frozenset(self.records) | {to for _, to in self.referrals.values()}

    def record(self, tenant: str) -> Record:
        """The record ``tenant`` sees: its own if it follows the company, else the record of
        the network that referred it (the earliest live referral)."""
        own = self.records.get(tenant)
        if own is not None:
            return own
        for from_tenant, to_tenant in self.referrals.values():
            if to_tenant == tenant:
                return self.records[from_tenant]
        raise LookupError(f"{tenant} does not stand in company {self.siren}")

    def follow(
        self,
        tenant: str,
        legal_name: str,
        region: str,
        departement: str,
        naf: str,
        naf_nomenclature: str = NAF_REV2,
        legal_category: str | None = None,
    ) -> None:
        if tenant in self.records:
            raise AlreadyRegistered(f"your network already registered SIREN {self.siren}")
        known = self.legal_category
        self._follow(
            tenant=tenant,
            siren=self.siren,
            legal_name=legal_name,
            region=region,
            departement=departement,
            naf=naf,
            naf_nomenclature=naf_nomenclature,
            legal_category=legal_category or known,
        )
        if legal_category is not None and legal_category != known:
            self.record_legal_category(legal_category)

    @event(Followed)
    def _follow(
        self,
        tenant: str,
        siren: str,
        legal_name: str,
        region: str,
        departement: str,
        naf: str,
        naf_nomenclature: str,
        legal_category: str | None,
    ) -> None:
        self.records[tenant] = Record(legal_name, region, departement, naf, naf_nomenclature)

    def record_legal_category(self, legal_category: str) -> None:
        """Record the company's catégorie juridique; the same one again records nothing."""
        if legal_category != self.legal_category:
            self._record_legal_category(legal_category=legal_category)

    @event(LegalCategoryRecorded)
    def _record_legal_category(self, legal_category: str) -> None:
        self.legal_category = legal_category

    def correct_legal_name(self, legal_name: str) -> None:
        """Correct the name every network's record holds (``legal_name``: folded and checked
        as when registered); refused when each of them holds it already."""
        if all(r.legal_name == legal_name for r in self.records.values()):
            raise InvalidValue("the corrected legal name is the name recorded: nothing to correct")
        self._correct_legal_name(siren=self.siren, legal_name=legal_name)

    @event(LegalNameCorrected)
    def _correct_legal_name(self, siren: str, legal_name: str) -> None:
        for record in self.records.values():
            record.legal_name = legal_name

    @event(SizeAssessed)
    def assess_size(
        self,
        tenant: str | None,
        category: str,
        basis: str,
        segment: str,
        headcount_uta: Decimal | None,
        turnover_cents: int | None,
        balance_sheet_cents: int | None,
        sirene_category: str | None,
        staff_band: str | None,
    ) -> None:
        record = self.records[tenant or self.tenant]
        record.size_category, record.size_basis, record.segment = category, basis, segment

    def add_establishment(
        self, tenant: str, siret: str, departement: str, head_office: bool
    ) -> None:
        self.check_establishment(tenant, siret, head_office)
        self._add_establishment(
            tenant=tenant, siret=siret, departement=departement, head_office=head_office
        )

    def check_establishment(self, tenant: str, siret: str, head_office: bool) -> None:
        if not siret.startswith(self.siren):
            raise InvalidSiret(f"SIRET {siret} does not belong to SIREN {self.siren}")
        establishments = self.records[tenant].establishments
        if siret in establishments:
            raise AlreadyRegistered(f"establishment {siret} is already registered")
        if head_office and any(head for _, head in establishments.values()):
            raise InvalidTransition(f"company {self.siren} already has a head office")

    @event(EstablishmentAdded)
    def _add_establishment(
        self, tenant: str | None, siret: str, departement: str, head_office: bool
    ) -> None:
        self.records[tenant or self.tenant].establishments[siret] = (departement, head_office)

    def advance_adoption(self, tenant: str, stage: AdoptionStage, on: date) -> None:
        self.check_adoption_step(tenant, stage, on)
        self._change_adoption_stage(tenant=tenant, stage=stage.value, on=on)

    def check_adoption_step(self, tenant: str, stage: AdoptionStage, on: date) -> None:
        record = self.records[tenant]
        if stage.rank <= record.adoption_stage.rank:
            raise InvalidTransition(
                f"adoption stage can only move forward: {self.siren} is at "
                f"{record.adoption_stage}, cannot go to {stage}"
            )
        if record.adoption_history and on < record.adoption_history[-1][1]:
            raise InvalidDate(
                f"stage change dated {on} is before the previous one "
                f"({record.adoption_history[-1][1]})"
            )

    @event(AdoptionStageChanged)
    def _change_adoption_stage(self, tenant: str | None, stage: str, on: date) -> None:
        record = self.records[tenant or self.tenant]
        record.adoption_stage = AdoptionStage(stage)
        record.adoption_history.append((stage, on))

    def refer(self, referral_id: UUID, from_tenant: str, to_tenant: str) -> None:
        self._refer(referral_id=referral_id, from_tenant=from_tenant, to_tenant=to_tenant)

    @event(Referred)
    def _refer(self, referral_id: UUID, from_tenant: str, to_tenant: str) -> None:
        self.referrals[referral_id] = (from_tenant, to_tenant)

    def end_referral(self, referral_id: UUID) -> None:
        if referral_id in self.referrals:
            self._end_referral(referral_id=referral_id)

    @event(ReferralEnded)
    def _end_referral(self, referral_id: UUID) -> None:
        del self.referrals[referral_id]
