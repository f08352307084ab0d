"""Company: a legal unit (SIREN), its establishments (SIRET), its size and its AI adoption."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import AlreadyRegistered, InvalidDate, InvalidSiret, InvalidTransition


class AdoptionStage(StrEnum):
    """How far a company has gone with AI; it only moves forward."""

    NONE = "NONE"
    AWARE = "AWARE"
    TRAINED = "TRAINED"
    DIAGNOSED = "DIAGNOSED"
    PILOTING = "PILOTING"
    ADOPTED = "ADOPTED"

    @property
    def rank(self) -> int:
        return list(AdoptionStage).index(self)


class Company(Aggregate):
    """A company known to the platform. Its id derives from its SIREN: one record per SIREN."""

    class Registered(Aggregate.Created):
        """A partner network registered the company."""

        tenant: str
        siren: str
        legal_name: str
        region: str
        departement: str
        naf: str

    class SizeAssessed(Aggregate.Event):
        """The legal size category was (re)computed, with the basis it rests on."""

        category: str
        basis: str
        segment: str
        headcount_uta: Decimal | None
        turnover_cents: int | None
        balance_sheet_cents: int | None
        sirene_category: str | None
        staff_band: str | None

    class EstablishmentAdded(Aggregate.Event):
        siret: str
        departement: str
        head_office: bool

    class AdoptionStageChanged(Aggregate.Event):
        stage: str
        on: date

    @staticmethod
    def create_id(siren: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"company/{siren}")

    @event(Registered)
    def __init__(
        self, tenant: str, siren: str, legal_name: str, region: str, departement: str, naf: str
    ) -> None:
        self.tenant = tenant
        self.siren = siren
        self.legal_name = legal_name
        self.region = region
        self.departement = departement
        self.naf = naf
        self.size_category: str | None = None
        self.size_basis: str | None = None
        self.segment: str | None = None
        self.establishments: dict[str, tuple[str, bool]] = {}
        self.adoption_stage = AdoptionStage.NONE
        self.adoption_history: list[tuple[str, date]] = []

    @event(SizeAssessed)
    def assess_size(
        self,
        category: str,
        basis: str,
        segment: str,
        headcount_uta: Decimal | None,
        turnover_cents: int | None,
        balance_sheet_cents: int | None,
        sirene_category: str | None,
        staff_band: str | None,
    ) -> None:
        self.size_category, self.size_basis, self.segment = category, basis, segment

    def add_establishment(self, siret: str, departement: str, head_office: bool) -> None:
        self.check_establishment(siret, head_office)
        self._add_establishment(siret, departement, head_office)

    def check_establishment(self, siret: str, head_office: bool) -> None:
        if not siret.startswith(self.siren):
            raise InvalidSiret(f"SIRET {siret} does not belong to SIREN {self.siren}")
        if siret in self.establishments:
            raise AlreadyRegistered(f"establishment {siret} is already registered")
        if head_office and any(head for _, head in self.establishments.values()):
            raise InvalidTransition(f"company {self.siren} already has a head office")

    @event(EstablishmentAdded)
    def _add_establishment(self, siret: str, departement: str, head_office: bool) -> None:
        self.establishments[siret] = (departement, head_office)

    def advance_adoption(self, stage: AdoptionStage, on: date) -> None:
        self.check_adoption_step(stage, on)
        self._change_adoption_stage(stage.value, on)

    def check_adoption_step(self, stage: AdoptionStage, on: date) -> None:
        if stage.rank <= self.adoption_stage.rank:
            raise InvalidTransition(
                f"adoption stage can only move forward: {self.siren} is at "
                f"{self.adoption_stage}, cannot go to {stage}"
            )
        if self.adoption_history and on < self.adoption_history[-1][1]:
            raise InvalidDate(
                f"stage change dated {on} is before the previous one "
                f"({self.adoption_history[-1][1]})"
            )

    @event(AdoptionStageChanged)
    def _change_adoption_stage(self, stage: str, on: date) -> None:
        self.adoption_stage = AdoptionStage(stage)
        self.adoption_history.append((stage, on))
