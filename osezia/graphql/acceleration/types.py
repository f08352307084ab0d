from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import AdmissionStatus, Segment
from osezia.graphql.node import Node, register_node


@strawberry.type(description="A milestone a company reached in the programme.")
class Milestone:
    milestone: str
    on: date
    at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def of(cls, data: dict[str, Any]) -> Milestone:
        return cls(
            milestone=data["milestone"],
            on=date.fromisoformat(data["on"]),
            at=datetime.fromisoformat(data["at"]),
        )


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


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
    def of(cls, data: dict[str, Any]) -> Admission:
        return cls(
            company_id=strawberry.ID(data["company_id"]),
            company_siren=data["company_siren"],
            company_name=data["company_name"],
            region=data["region"],
            segment=None if data["segment"] is None else Segment(data["segment"]),
            status=AdmissionStatus(data["status"]),
            admitted_on=date.fromisoformat(data["admitted_on"]),
            admitted_at=datetime.fromisoformat(data["admitted_at"]),
            milestones=[Milestone.of(m) for m in data["milestones"]],
            graduated_on=_day(data["graduated_on"]),
            graduated_at=_time(data["graduated_at"]),
            exited_on=_day(data["exited_on"]),
            exited_at=_time(data["exited_at"]),
            exit_reason=data["exit_reason"],
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
    def of(cls, row: dict[str, Any]) -> Cohort:
        return cls(
            id=strawberry.ID(str(row["id"])),
            run_by=row["owner"],
            name=row["name"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            capacity=row["capacity"],
            months=row["months"],
            admitted_count=row["admitted_count"],
            active_count=row["active_count"],
            graduated_count=row["graduated_count"],
            exited_count=row["exited_count"],
            admissions=[Admission.of(a) for a in row["admissions"]],
            opened_at=row["opened_at"],
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


register_node("cohorts", Cohort.of)
