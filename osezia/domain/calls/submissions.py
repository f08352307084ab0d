"""A company's application to a call for projects, and its way through the call's phases.

A phase is awarded only after the previous phase's gate was passed, and the first one only
after the application was selected: submitted → selected → in phase 1 → phase 1 passed → in
phase 2 … → completed; rejected instead of selected; ended when a gate is failed. An
application copies its call's phases when it is submitted, so it is always judged by the rules
of its own call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.calls.model import Phase
from osezia.domain.errors import (
    GateNotPassed,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotContractor,
)
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data


class ApplicationStage(StrEnum):
    SUBMITTED = "SUBMITTED"
    SELECTED = "SELECTED"
    REJECTED = "REJECTED"
    IN_PHASE = "IN_PHASE"  # the current phase was awarded; its gate is to come
    PHASE_PASSED = "PHASE_PASSED"  # the current phase's gate was passed; the next one may follow
    ENDED = "ENDED"  # a gate was failed
    COMPLETED = "COMPLETED"  # the last phase's gate was passed


St = ApplicationStage

# The allowed graph: from each stage, the stages one step can lead to.
NEXT_STAGES: dict[ApplicationStage, frozenset[ApplicationStage]] = {
    St.SUBMITTED: frozenset({St.SELECTED, St.REJECTED}),
    St.SELECTED: frozenset({St.IN_PHASE}),
    St.IN_PHASE: frozenset({St.PHASE_PASSED, St.ENDED, St.COMPLETED}),
    St.PHASE_PASSED: frozenset({St.IN_PHASE}),
    St.REJECTED: frozenset(),
    St.ENDED: frozenset(),
    St.COMPLETED: frozenset(),
}


@dataclass(frozen=True)
class Award:
    """A phase awarded to an application, and its gate once evaluated."""

    amount_cents: int
    months: int
    on: date
    by: str
    gate_passed: bool | None = None
    gate_on: date | None = None


class PrioritySector(StrEnum):
    """The priority sectors of « Pionniers de l'IA » (lemagit.fr, sophianet.com: industry,
    energy, cybersecurity, health and biomedical, ecological transition)."""

    INDUSTRY = "INDUSTRY"
    ENERGY = "ENERGY"
    CYBERSECURITY = "CYBERSECURITY"
    HEALTH = "HEALTH"
    ECOLOGICAL_TRANSITION = "ECOLOGICAL_TRANSITION"


class CallApplication(Aggregate):
    """A company's application to a call, filed by a network (the tenant that owns it).

    Its id derives from the call and the company: one application per company per call.
    """

    class Submitted(Aggregate.Created):
        """A network filed a company's application to a call, with the call's phases."""

        tenant: str
        call_id: UUID
        call_code: str
        company_id: UUID
        company_siren: str
        company_name: str
        region: str
        project_title: str
        consortium_sirens: list[str]
        phases: list[dict[str, Any]]
        submitted_on: date
        class_version = 2
        priority_sector: str | None  # None: in no priority sector, or submitted before
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("company_name", siren="company_siren"),
            not_personal=(
                "tenant",
                "call_code",
                "company_siren",
                "region",
                "project_title",
                "consortium_sirens",
                "phases",
                "priority_sector",
            ),
        )

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["priority_sector"] = None

    # ``by``: the network that decided.

    class Selected(Aggregate.Event):
        """The application was selected."""

        by: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("by",))

    class Rejected(Aggregate.Event):
        """The application was rejected, with a reason."""

        by: str
        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("by", "reason"))

    class PhaseAwarded(Aggregate.Event):
        """A phase was awarded to the application: an amount for a number of months."""

        phase: int
        amount_cents: int
        months: int
        on: date
        by: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("by",))

    class GateEvaluated(Aggregate.Event):
        """The gate that ends a phase was evaluated, passed or not, with a comment."""

        phase: int
        passed: bool
        on: date
        comment: str
        by: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("comment", "by"))

    @staticmethod
    def create_id(call_id: UUID, company_id: UUID) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"call_application/{call_id}/{company_id}")

    @event(Submitted)
    def __init__(
        self,
        tenant: str,
        call_id: UUID,
        call_code: str,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        project_title: str,
        consortium_sirens: list[str],
        phases: list[dict[str, Any]],
        submitted_on: date,
        priority_sector: str | None = None,
    ) -> None:
        # The company's SIREN, name and region travel with the application: the contractors see
        # every application, not every company.
        self.tenant = tenant
        self.call_id = call_id
        self.call_code = call_code
        self.company_id = company_id
        self.company_siren = company_siren
        self.company_name = company_name
        self.region = region
        self.project_title = project_title
        self.consortium_sirens = list(consortium_sirens)
        self.phases = tuple(Phase.of(p) for p in phases)
        self.submitted_on = submitted_on
        self.priority_sector = priority_sector
        self.stage = ApplicationStage.SUBMITTED
        self.awards: dict[int, Award] = {}
        self.reject_reason: str | None = None

    @property
    def contractors(self) -> frozenset[str]:
        return frozenset(p.contractor for p in self.phases)

    @property
    def current_phase(self) -> int | None:
        return max(self.awards, default=None)

    @property
    def status(self) -> str:
        """The stage, with the current phase's number where it has one (IN_PHASE_2)."""
        if self.stage is St.IN_PHASE:
            return f"IN_PHASE_{self.current_phase}"
        if self.stage is St.PHASE_PASSED:
            return f"PHASE_{self.current_phase}_PASSED"
        return self.stage.value

    @property
    def awarded_cents(self) -> int:
        return sum(a.amount_cents for a in self.awards.values())

    def select(self, by: str) -> None:
        self.check_decider(by)
        self.check_step(St.SELECTED, "select")
        self._select(by)

    @event(Selected)
    def _select(self, by: str) -> None:
        self.stage = St.SELECTED

    def reject(self, by: str, reason: str) -> None:
        self.check_decider(by)
        self.check_step(St.REJECTED, "reject")
        self._reject(by, reason)

    @event(Rejected)
    def _reject(self, by: str, reason: str) -> None:
        self.stage = St.REJECTED
        self.reject_reason = reason

    def award_phase(self, by: str, phase: int, amount_cents: int, months: int, on: date) -> None:
        rules = self.phase(phase)
        self.check_contractor(rules, by)
        if phase in self.awards:
            raise InvalidTransition(f"phase {phase} of application {self.id} is already awarded")
        self.check_gate_before(phase)
        rules.check_award(amount_cents, months)
        self.check_award_date(phase, on)
        self._award_phase(phase, amount_cents, months, on, by)

    @event(PhaseAwarded)
    def _award_phase(self, phase: int, amount_cents: int, months: int, on: date, by: str) -> None:
        self.awards[phase] = Award(amount_cents, months, on, by)
        self.stage = St.IN_PHASE

    def evaluate_gate(self, by: str, phase: int, passed: bool, on: date, comment: str) -> None:
        self.check_contractor(self.phase(phase), by)
        award = self.awards.get(phase)
        if award is None:
            raise InvalidTransition(f"phase {phase} of application {self.id} was not awarded")
        if award.gate_passed is not None:
            raise InvalidTransition(f"phase {phase}'s gate of application {self.id} was evaluated")
        if on < award.on:
            raise InvalidDate(f"a gate dated {on} is before its phase's award ({award.on})")
        self._evaluate_gate(phase, passed, on, comment, by)

    @event(GateEvaluated)
    def _evaluate_gate(self, phase: int, passed: bool, on: date, comment: str, by: str) -> None:
        self.awards[phase] = replace(self.awards[phase], gate_passed=passed, gate_on=on)
        if not passed:
            self.stage = St.ENDED
        elif phase == len(self.phases):
            self.stage = St.COMPLETED
        else:
            self.stage = St.PHASE_PASSED

    def phase(self, number: int) -> Phase:
        if not 1 <= number <= len(self.phases):
            raise InvalidValue(f"call {self.call_code} has phases 1 to {len(self.phases)}")
        return self.phases[number - 1]

    def check_decider(self, tenant: str) -> None:
        if tenant not in self.contractors:
            raise NotContractor(
                f"only the call's contractors ({', '.join(sorted(self.contractors))}) "
                "select or reject its applications"
            )

    @staticmethod
    def check_contractor(phase: Phase, tenant: str) -> None:
        if tenant != phase.contractor:
            raise NotContractor(f"phase {phase.number} is contracted by {phase.contractor}")

    def check_gate_before(self, phase: int) -> None:
        if phase == 1:
            if self.stage is not St.SELECTED:
                raise GateNotPassed(f"application {self.id} is {self.status}, not selected")
            return
        previous = self.awards.get(phase - 1)
        if previous is None or previous.gate_passed is not True:
            raise GateNotPassed(f"phase {phase - 1}'s gate of application {self.id} was not passed")

    def check_award_date(self, phase: int, on: date) -> None:
        previous = self.awards.get(phase - 1)
        earlier = self.submitted_on if previous is None else previous.gate_on
        if earlier is not None and on < earlier:
            raise InvalidDate(f"an award dated {on} is before the previous step ({earlier})")

    def check_step(self, target: ApplicationStage, step: str) -> None:
        if target not in NEXT_STAGES[self.stage]:
            raise InvalidTransition(f"application {self.id} is {self.status}; cannot {step} it")
