from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from osezia.domain.calls.model import CallKind as CallKind
from osezia.domain.calls.submissions import ApplicationStage as ApplicationStage
from osezia.domain.calls.submissions import PrioritySector as PrioritySector
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.context import Info
from osezia.graphql.enums import register_enum
from osezia.graphql.node import Node, register_node
from osezia.graphql.reading import AS_OF, read_as_of
from osezia.graphql.scalars import Cents
from osezia.projections.calls_rows import (
    PHASE_NUMBER,
    AwardedPhaseRow,
    CallApplicationRow,
    CallCounts,
    CallPhaseRow,
    CallRow,
    call_counts,
)

# This feature's closed sets, as the schema names them.
register_enum(
    CallKind,
    "CallKind",
    "GATED: phases one after another, each behind a selective evaluation; SELECTIVE: one "
    "selection, then the funding.",
)
register_enum(
    ApplicationStage,
    "ApplicationStage",
    "Where an application to a call stands, without the phase's number: IN_PHASE (the "
    "current phase was awarded, its gate is to come), PHASE_PASSED (its gate was passed), "
    "ENDED (a gate failed), COMPLETED (the last gate passed).",
)
register_enum(PrioritySector, "PrioritySector", "The priority sectors of « Pionniers de l'IA ».")


@strawberry.type(description="A phase of a call: its ranges and the network that contracts it.")
class CallPhase:
    number: int
    name: str
    min_cents: Cents
    max_cents: Cents
    min_months: int
    max_months: int
    contractor: str

    @classmethod
    def of(cls, row: CallPhaseRow) -> CallPhase:
        return cls(
            number=row.number,
            name=row.name,
            min_cents=Cents(row.min_cents),
            max_cents=Cents(row.max_cents),
            min_months=row.min_months,
            max_months=row.max_months,
            contractor=row.contractor,
        )


@strawberry.type(description="A call's counts for one priority sector (null: none).")
class SectorFigures:
    sector: PrioritySector | None
    applications: int
    selected: int
    awarded_cents: Cents


@strawberry.type(
    description="A call's counts over the whole plan (within the caller's region, for a "
    "regional network), as recorded by the end of the day asked for; they name no company."
)
class CallFigures:
    applications: int = strawberry.field(description="Applications submitted.")
    selected: int = strawberry.field(description="Applications selected, whatever came next.")
    awarded_cents: Cents = strawberry.field(description="The amounts of every phase awarded.")
    by_sector: list[SectorFigures] = strawberry.field(
        description="The same counts by priority sector of « Pionniers de l'IA »."
    )

    @classmethod
    def of(cls, counts: CallCounts) -> CallFigures:
        return cls(
            applications=counts.applications,
            selected=counts.selected,
            awarded_cents=Cents(counts.awarded_cents),
            by_sector=[
                SectorFigures(
                    sector=None if s.priority_sector is None else PrioritySector(s.priority_sector),
                    applications=s.applications,
                    selected=s.selected,
                    awarded_cents=Cents(s.awarded_cents),
                )
                for s in counts.by_sector
            ],
        )


@strawberry.type(description="A call for projects of France 2030.")
class Call(Node):
    id: strawberry.ID
    code: str
    title: str
    kind: CallKind
    opens_on: date
    closes_on: date
    phases: list[CallPhase]
    selection_target: int | None = strawberry.field(
        description="How many projects the call means to select: shown against, never a cap."
    )
    opened_by: str

    @strawberry.field(
        description="Applications, selections and amounts awarded, as recorded by the end of "
        "`asOf` (Paris time); today when omitted."
    )
    async def figures(self, info: Info, as_of: Annotated[date | None, AS_OF] = None) -> CallFigures:
        async with read_as_of(info, as_of) as (conn, day, _):
            counts = await call_counts(conn, info.context.tenant, self.code, day)
        return CallFigures.of(counts)

    @classmethod
    def of(cls, row: CallRow) -> Call:
        return cls(
            id=strawberry.ID(str(row.id)),
            code=row.code,
            title=row.title,
            kind=CallKind(row.kind),
            opens_on=row.opens_on,
            closes_on=row.closes_on,
            phases=[CallPhase.of(p) for p in row.phases],
            selection_target=row.selection_target,
            opened_by=row.owner,
        )


@strawberry.type(description="A phase awarded to an application, and its gate once evaluated.")
class AwardedPhase:
    phase: int
    amount_cents: Cents
    months: int
    awarded_on: date
    awarded_at: datetime
    awarded_by: str
    gate_passed: bool | None
    gate_on: date | None
    gate_at: datetime | None

    @classmethod
    def of(cls, row: AwardedPhaseRow) -> AwardedPhase:
        return cls(
            phase=row.phase,
            amount_cents=Cents(row.amount_cents),
            months=row.months,
            awarded_on=row.awarded_on,
            awarded_at=row.awarded_at,
            awarded_by=row.awarded_by,
            gate_passed=row.gate_passed,
            gate_on=row.gate_on,
            gate_at=row.gate_at,
        )


@strawberry.type(description="A company's application to a call, and how far its phases went.")
class CallApplication(Node, AboutACompany):
    id: strawberry.ID
    call_id: strawberry.ID
    call_code: str
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    project_title: str
    consortium_sirens: list[str]
    submitted_through: str = strawberry.field(description="The network that filed it.")
    status: str = strawberry.field(
        description="SUBMITTED, SELECTED, REJECTED, IN_PHASE_n, PHASE_n_PASSED, ENDED (a gate "
        "failed) or COMPLETED (the last gate passed)."
    )
    current_phase: int | None
    stage: ApplicationStage = strawberry.field(
        description="The status without the phase's number: IN_PHASE for IN_PHASE_n, "
        "PHASE_PASSED for PHASE_n_PASSED."
    )
    phases: list[AwardedPhase]
    awarded_cents: Cents
    submitted_on: date
    submitted_at: datetime
    selected_at: datetime | None
    rejected_at: datetime | None
    reject_reason: str | None
    priority_sector: PrioritySector | None = strawberry.field(
        description="The priority sector of « Pionniers de l'IA » the project is in; null for "
        "none (or an application submitted before sectors were recorded)."
    )

    @classmethod
    def of(cls, row: CallApplicationRow) -> CallApplication:
        return cls(
            id=strawberry.ID(str(row.id)),
            call_id=strawberry.ID(str(row.call_id)),
            call_code=row.call_code,
            company_id=strawberry.ID(str(row.company_id)),
            company_siren=row.company_siren,
            company_name=row.company_name,
            region=row.region,
            project_title=row.project_title,
            consortium_sirens=list(row.consortium),
            submitted_through=row.owner,
            status=row.status,
            current_phase=row.current_phase,
            stage=stage_of(row.status),
            phases=[AwardedPhase.of(p) for p in row.phases],
            awarded_cents=Cents(row.awarded_cents),
            submitted_on=row.submitted_on,
            submitted_at=row.submitted_at,
            selected_at=row.selected_at,
            rejected_at=row.rejected_at,
            reject_reason=row.reject_reason,
            priority_sector=None
            if row.priority_sector is None
            else PrioritySector(row.priority_sector),
        )


def stage_of(status: str) -> ApplicationStage:
    """The status without the phase's number (PHASE_NUMBER), as the stage filter reads it."""
    return ApplicationStage(PHASE_NUMBER.sub("", status))


register_node("calls", CallRow.from_row, Call.of)
register_node("call_applications", CallApplicationRow.from_row, CallApplication.of)
