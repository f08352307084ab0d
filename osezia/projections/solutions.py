"""The solutions catalogue (providers and solutions, public) and the adoptions each network
recorded, with the adoption figures by region, segment and sovereignty."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from osezia.domain.solutions.model import Adoption, Solution, SolutionProvider, Sovereignty
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table
from osezia.tenants.visibility import PLATFORM

PROVIDERS = Table(
    "providers",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("siren", "text"),
        ("name", "text"),
        ("sovereignty", "text"),
        ("listed_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)

SOLUTIONS = Table(
    "solutions",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("provider_id", "uuid"),
        ("provider_name", "text"),
        ("provider_siren", "text"),
        ("name", "text"),
        ("description", "text"),
        ("categories", "jsonb"),
        ("sovereignty", "text"),
        ("turnkey", "boolean"),
        ("status", "text"),
        ("withdrawn_reason", "text"),
        ("listed_at", "timestamptz"),
        ("withdrawn_at", "timestamptz"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)

ADOPTIONS = Table(
    "adoptions",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("company_id", "uuid"),
        ("company_siren", "text"),
        ("company_name", "text"),
        ("region", "text"),
        ("segment", "text"),
        ("solution_id", "uuid"),
        ("solution_name", "text"),
        ("categories", "jsonb"),
        ("sovereignty", "text"),
        ("adopted_on", "date"),
        ("adopted_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def provider_listed(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "siren": data["siren"],
        "name": data["name"],
        "sovereignty": data["sovereignty"],
        "listed_at": event.timestamp,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def solution_listed(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "provider_id": data["provider_id"],
        "provider_name": data["provider_name"],
        "provider_siren": data["provider_siren"],
        "name": data["name"],
        "description": data["description"],
        "categories": list(data["categories"]),
        "sovereignty": data["sovereignty"],
        "turnkey": data["turnkey"],
        "status": "ACTIVE",
        "withdrawn_reason": None,
        "listed_at": event.timestamp,
        "withdrawn_at": None,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def solution_withdrawn(row: Row, event: StoredEvent) -> Row:
    return touch(
        row,
        event,
        status="WITHDRAWN",
        withdrawn_reason=event.data["reason"],
        withdrawn_at=event.timestamp,
    )


def adoption_recorded(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "company_id": data["company_id"],
        "company_siren": data["company_siren"],
        "company_name": data["company_name"],
        "region": data["region"],
        "segment": data["segment"],
        "solution_id": data["solution_id"],
        "solution_name": data["solution_name"],
        "categories": list(data["categories"]),
        "sovereignty": data["sovereignty"],
        "adopted_on": data["on"],
        "adopted_at": event.timestamp,
        "position": event.position,
    }


def national(row: Row) -> tuple[str, str | None, Collection[str]]:
    # The catalogue is national: a regional network sees every provider and solution.
    return row["owner"], None, ()


def in_region(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


PROVIDER_MODEL = ReadModel(
    kind="provider",
    table=PROVIDERS,
    creates={topic(SolutionProvider.Listed): provider_listed},
    updates={},
    scope=national,
)

SOLUTION_MODEL = ReadModel(
    kind="solution",
    table=SOLUTIONS,
    creates={topic(Solution.Listed): solution_listed},
    updates={topic(Solution.Withdrawn): solution_withdrawn},
    scope=national,
)

ADOPTION_MODEL = ReadModel(
    kind="adoption",
    table=ADOPTIONS,
    creates={topic(Adoption.Recorded): adoption_recorded},
    updates={},
    scope=in_region,
)

MODELS: tuple[ReadModel, ...] = (PROVIDER_MODEL, SOLUTION_MODEL, ADOPTION_MODEL)


def figure_views(region: str | None) -> dict[str, str]:
    """Adoptions counted by region, segment, sovereignty and the day they were recorded (in
    Paris), so that figures as of a day count what was known by the end of that day."""
    where = f"WHERE region = '{region}'" if region else ""
    return {
        "figures_adoptions": (
            "SELECT region, segment, sovereignty, "
            "(adopted_at AT TIME ZONE 'Europe/Paris')::date AS adopted_day, "
            f"count(*)::bigint AS adoptions FROM {PLATFORM}.adoptions {where} "
            "GROUP BY region, segment, sovereignty, adopted_day"
        ),
    }


@dataclass(frozen=True)
class SolutionMatch:
    """An active solution that serves one of a diagnostic's use cases."""

    use_case_code: str
    use_case_title: str
    use_case_rank: int | None
    solution: dict[str, Any]  # a full row of the solutions view


# The catalogue puts French solutions first, then European ones.
_SOVEREIGNTY_ORDER = "ARRAY[" + ", ".join(f"'{s}'" for s in Sovereignty) + "]"


async def matching_solutions(
    conn: Connection, tenant: str, diagnostic_id: UUID
) -> list[SolutionMatch] | None:
    """The active solutions whose categories include a use case of the diagnostic, by use-case
    rank, then sovereignty, then name; None when the tenant does not see the diagnostic."""
    schema = stable_schema(tenant)
    seen = await conn.fetchval(
        f'SELECT true FROM "{schema}".diagnostics WHERE id = $1', diagnostic_id
    )
    if seen is None:
        return None
    # use_cases is kept in priority order once prioritised, in identification order before:
    # the position in the array is the rank either way.
    records = await conn.fetch(
        "SELECT u.value ->> 'code' AS use_case_code, u.value ->> 'title' AS use_case_title, "
        "(u.value ->> 'rank')::integer AS use_case_rank, s.* "
        f'FROM "{schema}".diagnostics d '
        "CROSS JOIN LATERAL jsonb_array_elements(d.use_cases) WITH ORDINALITY AS u(value, n) "
        f"JOIN \"{schema}\".solutions s ON s.categories ? (u.value ->> 'code') "
        "WHERE d.id = $1 AND s.status = 'ACTIVE' "
        f"ORDER BY u.n, array_position({_SOVEREIGNTY_ORDER}, s.sovereignty), s.name, s.id",
        diagnostic_id,
    )
    matches = []
    for record in records:
        row = dict(record)
        use_case = (row.pop("use_case_code"), row.pop("use_case_title"), row.pop("use_case_rank"))
        matches.append(SolutionMatch(*use_case, solution=row))
    return matches
