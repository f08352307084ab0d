"""The catalogue of turnkey AI solutions, their providers, and their adoption by companies.

The plan promotes French and European solutions: a provider declares its sovereignty, and each
of its solutions carries it from the day it was listed, so that the catalogue and the adoption
figures can single out sovereign ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import InvalidDate, InvalidTransition, InvalidValue
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data
from osezia.domain.solutions.usecases import UseCaseCategory


class Sovereignty(StrEnum):
    """Where a provider is from, in the order the catalogue presents solutions."""

    FR = "FR"
    EU = "EU"
    OTHER = "OTHER"

    @property
    def sovereign(self) -> bool:
        return self in SOVEREIGN

    @property
    def rank(self) -> int:
        return list(Sovereignty).index(self)


SOVEREIGN = frozenset({Sovereignty.FR, Sovereignty.EU})


class SolutionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"


class SolutionProvider(Aggregate):
    """A company that offers AI solutions. Its id derives from its SIREN: listed once."""

    TOPIC = "osezia.domain.catalogue.model:SolutionProvider"

    class Created(Aggregate.Created):
        """Never recorded; eventsourcing wants a topic on it once the aggregate has one."""

        TOPIC = "osezia.domain.catalogue.model:SolutionProvider.Created"

    class Listed(Aggregate.Created):
        """A network listed a company as a provider of AI solutions."""

        TOPIC = "osezia.domain.catalogue.model:SolutionProvider.Listed"

        tenant: str
        siren: str
        name: str
        sovereignty: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("name", siren="siren"), not_personal=("tenant", "siren", "sovereignty")
        )

    @staticmethod
    def create_id(siren: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"provider/{siren}")

    @event(Listed)
    def __init__(self, tenant: str, siren: str, name: str, sovereignty: str) -> None:
        self.tenant = tenant
        self.siren = siren
        self.name = name
        self.sovereignty = Sovereignty(sovereignty)


class Solution(Aggregate):
    """A turnkey solution of a provider, for one or more use-case categories."""

    TOPIC = "osezia.domain.catalogue.model:Solution"

    class Created(Aggregate.Created):
        """Never recorded; eventsourcing wants a topic on it once the aggregate has one."""

        TOPIC = "osezia.domain.catalogue.model:Solution.Created"

    class Listed(Aggregate.Created):
        """A network listed the solution; the provider's name and sovereignty travel with it."""

        TOPIC = "osezia.domain.catalogue.model:Solution.Listed"

        tenant: str
        provider_id: UUID
        provider_siren: str
        provider_name: str
        sovereignty: str
        name: str
        description: str
        categories: list[str]
        turnkey: bool
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("provider_name", siren="provider_siren"),
            not_personal=(
                "tenant",
                "provider_siren",
                "sovereignty",
                "name",
                "description",
                "categories",
            ),
        )

    class Withdrawn(Aggregate.Event):
        """The solution was withdrawn from the catalogue, with a reason."""

        TOPIC = "osezia.domain.catalogue.model:Solution.Withdrawn"

        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    @event(Listed)
    def __init__(
        self,
        tenant: str,
        provider_id: UUID,
        provider_siren: str,
        provider_name: str,
        sovereignty: str,
        name: str,
        description: str,
        categories: list[str],
        turnkey: bool,
    ) -> None:
        self.tenant = tenant
        self.provider_id = provider_id
        self.provider_siren = provider_siren
        self.provider_name = provider_name
        self.sovereignty = Sovereignty(sovereignty)
        self.name = name
        self.description = description
        self.categories = [UseCaseCategory(c) for c in categories]
        self.turnkey = turnkey
        self.status = SolutionStatus.ACTIVE
        self.withdrawal_reason: str | None = None

    @classmethod
    def of_provider(
        cls,
        tenant: str,
        provider: SolutionProvider,
        name: str,
        description: str,
        categories: Sequence[UseCaseCategory],
        turnkey: bool,
    ) -> Solution:
        cls.check_categories(categories)
        return cls(
            tenant=tenant,
            provider_id=provider.id,
            provider_siren=provider.siren,
            provider_name=provider.name,
            sovereignty=provider.sovereignty.value,
            name=name,
            description=description,
            categories=[c.value for c in categories],
            turnkey=turnkey,
        )

    @property
    def sovereign(self) -> bool:
        return self.sovereignty.sovereign

    @staticmethod
    def check_categories(categories: Sequence[UseCaseCategory]) -> None:
        if not categories:
            raise InvalidValue("a solution serves at least one use-case category")
        repeated = sorted({c for c in categories if categories.count(c) > 1})
        if repeated:
            raise InvalidValue(
                f"use-case categories must be unique: {', '.join(repeated)} repeated"
            )

    def withdraw(self, reason: str) -> None:
        self.check_active("withdraw")
        self._withdraw(reason)

    @event(Withdrawn)
    def _withdraw(self, reason: str) -> None:
        self.status = SolutionStatus.WITHDRAWN
        self.withdrawal_reason = reason

    def check_active(self, action: str) -> None:
        if self.status is not SolutionStatus.ACTIVE:
            raise InvalidTransition(f"solution {self.id} was withdrawn: cannot {action} it")


class Adoption(Aggregate):
    """A company adopted a catalogue solution, as recorded by a network (the tenant).

    The company and the solution as they were on that day travel with the adoption, so that the
    figures by region, segment and sovereignty never depend on later changes.
    """

    TOPIC = "osezia.domain.catalogue.model:Adoption"

    class Created(Aggregate.Created):
        """Never recorded; eventsourcing wants a topic on it once the aggregate has one."""

        TOPIC = "osezia.domain.catalogue.model:Adoption.Created"

    class Recorded(Aggregate.Created):
        """A network recorded that a company adopted a solution of the catalogue."""

        TOPIC = "osezia.domain.catalogue.model:Adoption.Recorded"

        tenant: str
        company_id: UUID
        company_siren: str
        company_name: str
        region: str
        segment: str | None
        solution_id: UUID
        solution_name: str
        categories: list[str]
        sovereignty: str
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("company_name", siren="company_siren"),
            not_personal=(
                "tenant",
                "company_siren",
                "region",
                "segment",
                "solution_name",
                "categories",
                "sovereignty",
            ),
        )

    @staticmethod
    def create_id(company_id: UUID, solution_id: UUID) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"adoption/{company_id}/{solution_id}")

    @event(Recorded)
    def __init__(
        self,
        tenant: str,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        segment: str | None,
        solution_id: UUID,
        solution_name: str,
        categories: list[str],
        sovereignty: str,
        on: date,
    ) -> None:
        self.tenant = tenant
        self.company_id = company_id
        self.company_siren = company_siren
        self.company_name = company_name
        self.region = region
        self.segment = segment
        self.solution_id = solution_id
        self.solution_name = solution_name
        self.categories = list(categories)
        self.sovereignty = Sovereignty(sovereignty)
        self.on = on

    @classmethod
    def record(
        cls,
        tenant: str,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        segment: str | None,
        solution: Solution,
        on: date,
    ) -> Adoption:
        solution.check_active("adopt")
        check_calendar_date(on, "adoption date")
        return cls(
            tenant=tenant,
            company_id=company_id,
            company_siren=company_siren,
            company_name=company_name,
            region=region,
            segment=segment,
            solution_id=solution.id,
            solution_name=solution.name,
            categories=[c.value for c in solution.categories],
            sovereignty=solution.sovereignty.value,
            on=on,
        )


def check_calendar_date(on: object, what: str) -> None:
    # A datetime is a date to Python, but it would be stored and replayed as a datetime.
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidDate(f"{what} {on!r} must be a calendar date")
