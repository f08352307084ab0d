from __future__ import annotations

from datetime import date, datetime

import strawberry

from osezia.domain.acceleration.model import AdmissionStatus as AdmissionStatus
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import Segment, register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.acceleration import (
    AccelerationCount,
    AdmissionRow,
    CohortRow,
    MilestoneRow,
)

# This feature's closed sets, as the schema names them.
register_enum(
    AdmissionStatus, "AdmissionStatus", "A company admitted to a cohort, and how it left."
)


@strawberry.type(description="A milestone a company reached in the programme.")
class Milestone:
    milestone: str
    on: date
    at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def of(cls, row: MilestoneRow) -> Milestone:
        return cls(milestone=row.milestone, on=row.on, at=row.at)


@strawberry.type(description="A company in a cohort, as it was when admitted.")
class Admission(AboutACompany):
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    segment: Segment | None
    status: AdmissionStatus
    admitted_on: date
    admitted_at: datetime
    milestones: list[Milestone]
    graduated_on: date | None
    graduated_at: datetime | None
    exited_on: date | None
    exited_at: datetime | None
    exit_reason: str | None

    @classmethod
    def of(cls, row: AdmissionRow) -> Admission:
        return cls(
            company_id=strawberry.ID(str(row.company_id)),
            company_siren=row.company_siren,
            company_name=row.company_name,
            region=row.region,
            segment=None if row.segment is None else Segment(row.segment),
            status=AdmissionStatus(row.status),
            admitted_on=row.admitted_on,
            admitted_at=row.admitted_at,
            milestones=[Milestone.of(m) for m in row.milestones],
            graduated_on=row.graduated_on,
            graduated_at=row.graduated_at,
            exited_on=row.exited_on,
            exited_at=row.exited_at,
            exit_reason=row.exit_reason,
        )


@strawberry.type(description="A cohort of the acceleration programme.")
class Cohort(Node):
    id: strawberry.ID
    run_by: str = strawberry.field(description="The network that opened the cohort.")
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    months: int
    admitted_count: int
    active_count: int
    graduated_count: int
    exited_count: int
    admissions: list[Admission] = strawberry.field(description="In admission order.")
    opened_at: datetime

    @classmethod
    def of(cls, row: CohortRow) -> Cohort:
        return cls(
            id=strawberry.ID(str(row.id)),
            run_by=row.owner,
            name=row.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            capacity=row.capacity,
            months=row.months,
            admitted_count=row.admitted_count,
            active_count=row.active_count,
            graduated_count=row.graduated_count,
            exited_count=row.exited_count,
            admissions=[Admission.of(a) for a in row.admissions],
            opened_at=row.opened_at,
        )


@strawberry.type(
    description="Companies of every cohort counted by region and the days (in France) they "
    "were admitted, graduated or exited, as they stood at the end of the day asked for; they "
    "name no company."
)
class AccelerationFigure:
    region: str = strawberry.field(description="The company's region when it was admitted.")
    admitted_day: date = strawberry.field(description="The day the admission was recorded.")
    graduated_day: date | None = strawberry.field(
        description="The day the graduation was recorded; null if not graduated by the day "
        "asked for."
    )
    exited_day: date | None = strawberry.field(
        description="The day the exit was recorded; null if not exited by the day asked for."
    )
    companies: int

    @classmethod
    def of(cls, count: AccelerationCount) -> AccelerationFigure:
        return cls(
            region=count.region,
            admitted_day=count.admitted_day,
            graduated_day=count.graduated_day,
            exited_day=count.exited_day,
            companies=count.companies,
        )


register_node("cohorts", CohortRow.from_row, Cohort.of)
