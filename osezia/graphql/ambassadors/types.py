from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from osezia.graphql.node import Node


@strawberry.type
class Intervention:
    on: date
    audience: int
    format: str


@strawberry.type(description="An « Osez l'IA » ambassador (public directory).")
class Ambassador(Node):
    id: strawberry.ID
    full_name: str
    kind: str
    network: str
    region: str | None
    sectors: list[str]
    appointed_on: date
    status: str
    withdrawn_on: date | None
    interventions: list[Intervention]
    audience_total: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> Ambassador:
        return cls(
            id=strawberry.ID(str(row["id"])),
            full_name=row["full_name"],
            kind=row["kind"],
            network=row["network"],
            region=row["region"],
            sectors=row["sectors"],
            appointed_on=row["appointed_on"],
            status=row["status"],
            withdrawn_on=row["withdrawn_on"],
            interventions=[
                Intervention(
                    on=date.fromisoformat(i["on"]), audience=i["audience"], format=i["format"]
                )
                for i in row["interventions"]
            ],
            audience_total=row["audience_total"],
        )
