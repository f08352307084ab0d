"""Partnership: a research partnership between an INRIA team and an SME.

proposed → signed → started → completed; abandoned, with a reason, from any step before the end.
A partnership counts for the target of the year it was signed in (10 a year).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.errors import InvalidDate, InvalidTransition
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data
from osezia.domain.sizes import SME_CATEGORIES


class PartnershipStatus(StrEnum):
    PROPOSED = "PROPOSED"
    SIGNED = "SIGNED"
    STARTED = "STARTED"
    COMPLETED = "COMPLETED"
    ABANDONED = "ABANDONED"


S = PartnershipStatus

# The allowed graph: from each status, the statuses one step can lead to.
NEXT_STATUSES: dict[PartnershipStatus, frozenset[PartnershipStatus]] = {
    S.PROPOSED: frozenset({S.SIGNED, S.ABANDONED}),
    S.SIGNED: frozenset({S.STARTED, S.ABANDONED}),
    S.STARTED: frozenset({S.COMPLETED, S.ABANDONED}),
    S.COMPLETED: frozenset(),
    S.ABANDONED: frozenset(),
}

# How each step is named in messages ("cannot sign").
_STEP_NAMES = {
    S.SIGNED: "sign",
    S.STARTED: "start",
    S.COMPLETED: "complete",
    S.ABANDONED: "abandon",
}


class Partnership(Aggregate):
    """A partnership between a research team and a company, followed by a network (the tenant)."""

    class Proposed(Aggregate.Created):
        """A network proposed a partnership between a research team and a company."""

        tenant: str
        research_team: str
        topic: str
        company_id: UUID
        company_siren: str
        company_name: str
        region: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("company_name", siren="company_siren"),
            not_personal=("tenant", "research_team", "topic", "company_siren", "region"),
        )

    class Signed(Aggregate.Event):
        """Signed on a date; the company's legal size category that day is kept, since only
        SMEs count towards INRIA's yearly target (None: not assessed, or signed before the
        category was recorded)."""

        class_version = 2
        on: date
        size_category: str | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("size_category",))

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["size_category"] = None

    class Started(Aggregate.Event):
        """The partnership's work started."""

        on: date

    class Completed(Aggregate.Event):
        """The partnership's work was completed."""

        on: date

    class Abandoned(Aggregate.Event):
        """The partnership was abandoned, with a reason."""

        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    @event(Proposed)
    def __init__(
        self,
        tenant: str,
        research_team: str,
        topic: str,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
    ) -> None:
        # The company's SIREN, name and region as they were at the proposal travel with the
        # partnership: INRIA sees every partnership, not every company.
        self.tenant = tenant
        self.research_team = research_team
        self.topic = topic
        self.company_id = company_id
        self.company_siren = company_siren
        self.company_name = company_name
        self.region = region
        self.status = PartnershipStatus.PROPOSED
        self.signed_on: date | None = None
        self.size_category: str | None = None
        self.started_on: date | None = None
        self.completed_on: date | None = None
        self.abandonment_reason: str | None = None

    @property
    def year(self) -> int | None:
        """The year whose target the partnership counts for: the year it was signed in."""
        return None if self.signed_on is None else self.signed_on.year

    def sign(self, on: date, size_category: str | None) -> None:
        self.check_step(PartnershipStatus.SIGNED)
        self._sign(on, size_category)

    @event(Signed)
    def _sign(self, on: date, size_category: str | None) -> None:
        self.status = PartnershipStatus.SIGNED
        self.signed_on = on
        self.size_category = size_category

    @property
    def with_an_sme(self) -> bool:
        """Signed with an SME (a MICRO or a PME, décret 2008-1354), which the target counts."""
        return self.size_category in SME_CATEGORIES

    def start(self, on: date) -> None:
        self.check_step(PartnershipStatus.STARTED)
        self.check_not_before(on, self.signed_on, "start", "signature")
        self._start(on)

    @event(Started)
    def _start(self, on: date) -> None:
        self.status = PartnershipStatus.STARTED
        self.started_on = on

    def complete(self, on: date) -> None:
        self.check_step(PartnershipStatus.COMPLETED)
        self.check_not_before(on, self.started_on, "completion", "start")
        self._complete(on)

    @event(Completed)
    def _complete(self, on: date) -> None:
        self.status = PartnershipStatus.COMPLETED
        self.completed_on = on

    def abandon(self, reason: str) -> None:
        self.check_step(PartnershipStatus.ABANDONED)
        self._abandon(reason)

    @event(Abandoned)
    def _abandon(self, reason: str) -> None:
        self.status = PartnershipStatus.ABANDONED
        self.abandonment_reason = reason

    def check_step(self, target: PartnershipStatus) -> None:
        if target not in NEXT_STATUSES[self.status]:
            raise InvalidTransition(
                f"partnership {self.id} is {self.status}; cannot {_STEP_NAMES[target]} it"
            )

    @staticmethod
    def check_not_before(on: date, earlier: date | None, step: str, earlier_step: str) -> None:
        if earlier is not None and on < earlier:
            raise InvalidDate(f"{step} dated {on} is before the {earlier_step} ({earlier})")
