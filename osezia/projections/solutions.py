"""The solutions catalogue (providers and solutions, public) and the adoptions each network
recorded, with the adoption figures by region, segment and sovereignty. What the API reads of
them, and the SQL that reads it, is in solutions_rows.py."""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.solutions.model import Adoption, Solution, SolutionProvider
from osezia.projections.codec import StoredEvent
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
