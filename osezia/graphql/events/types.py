from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from osezia.graphql.node import Node


@strawberry.type(description="A company or an AI solution provider registered to an event.")
class Participant:
    kind: str
    company_id: strawberry.ID | None
    provider_siren: str | None
    provider_name: str | None


@strawberry.type(description="A one-to-one meeting booked between a company and a provider.")
class Meeting:
    company_id: strawberry.ID
    provider_siren: str


@strawberry.type(description="An event of the plan: a monthly meetup or the national day.")
class Event(Node):
    id: strawberry.ID
    title: str
    kind: str
    region: str | None
    on: date
    capacity: int
    status: str
    registered_count: int
    participants: list[Participant]
    meetings: list[Meeting]
    attended_count: int
    organiser: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> Event:
        return cls(
            id=strawberry.ID(str(row["id"])),
            title=row["title"],
            kind=row["kind"],
            region=row["region"],
            on=row["on_date"],
            capacity=row["capacity"],
            status=row["status"],
            registered_count=row["registered_count"],
            participants=[
                Participant(
                    kind=p["kind"],
                    company_id=strawberry.ID(p["company_id"]) if "company_id" in p else None,
                    provider_siren=p.get("siren"),
                    provider_name=p.get("name"),
                )
                for p in row["participants"]
            ],
            meetings=[
                Meeting(
                    company_id=strawberry.ID(m["company_id"]), provider_siren=m["provider_siren"]
                )
                for m in row["meetings"]
            ],
            attended_count=len(row["attended"]),
            organiser=row["owner"],
        )
