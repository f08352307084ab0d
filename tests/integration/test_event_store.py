"""The write side on the real PostgreSQL: persistence, replay, conflicts, group commit."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from uuid import UUID

import psycopg
import pytest
from eventsourcing.domain import Aggregate

from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.errors import AlreadyRegistered, Conflict, DomainError
from osezia.domain.identifiers import luhn_ok
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS


def valid_sirens(count: int, start: int = 10_000_000) -> list[str]:
    sirens: list[str] = []
    n = start
    while len(sirens) < count:
        base = f"{n:08d}"
        sirens.extend(base + d for d in "0123456789" if luhn_ok(base + d))
        n += 1
    return sirens[:count]


def register(companies: Companies, siren: str, key: str | None = None) -> UUID:
    return companies.register_company(
        "cci",
        siren=siren,
        legal_name=f"Société {siren}",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(staff_band="12"),
        idempotency_key=key,
    )


def stored_rows(database_url: str) -> list[tuple[UUID, int, int]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT originator_id, originator_version, notification_id FROM osezia_events "
            "ORDER BY notification_id"
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def test_a_registered_company_is_read_back_by_a_new_application(
    companies: Companies, store_env: dict[str, str]
) -> None:
    company_id = register(companies, valid_sirens(1)[0])
    companies.advance_adoption("cci", company_id, stage="AWARE", on=date(2025, 9, 15))

    with Companies(env=store_env, networks=NETWORKS) as other:
        again = other.get_company("cci", company_id)

    original = companies.get_company("cci", company_id)
    assert vars(again) == vars(original)
    assert again.record("cci").adoption_stage is AdoptionStage.AWARE


def test_a_siren_with_leading_zeros_is_stored_as_a_string(
    companies: Companies, database_url: str
) -> None:
    siren = next(s for s in valid_sirens(50, start=100) if s.startswith("00"))

    company_id = register(companies, siren)

    assert companies.get_company("cci", company_id).siren == siren
    with psycopg.connect(database_url) as conn:
        (state,) = conn.execute(
            "SELECT state FROM osezia_events WHERE originator_id = %s AND originator_version = 1",
            (company_id,),
        ).fetchone() or (b"",)
    assert f'"siren":"{siren}"'.encode() in bytes(state)


def test_two_concurrent_changes_to_one_company_end_in_one_success_and_one_conflict(
    companies: Companies, database_url: str
) -> None:
    company_id = register(companies, valid_sirens(1)[0])
    both_loaded = threading.Barrier(2)

    def advance(stage: AdoptionStage) -> str:
        def run() -> tuple[None, list[Aggregate]]:
            company = companies.load("cci", company_id, Company, "company")
            both_loaded.wait()
            company.advance_adoption("cci", stage, date(2025, 10, 1))
            return None, [company]

        try:
            companies.execute("cci", None, "advance_adoption", (company_id, stage), run)
        except Conflict:
            return "conflict"
        return "saved"

    before = len(stored_rows(database_url))
    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(advance, [AdoptionStage.AWARE, AdoptionStage.TRAINED]))

    assert outcomes == ["conflict", "saved"]
    assert len(stored_rows(database_url)) == before + 1


def test_concurrent_registrations_are_all_committed_with_distinct_positions(
    companies: Companies, database_url: str
) -> None:
    sirens = valid_sirens(64)

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda s: register(companies, s), sirens))

    rows = stored_rows(database_url)
    assert {r[0] for r in rows} == set(ids)
    assert len(rows) == 2 * len(sirens)  # Registered and SizeAssessed each
    assert len({r[2] for r in rows}) == len(rows)


def test_a_duplicate_in_a_concurrent_batch_fails_alone(
    companies: Companies, database_url: str
) -> None:
    sirens = valid_sirens(15)
    attempts = [*sirens, sirens[3]]  # one SIREN registered twice at the same time
    start = threading.Barrier(len(attempts))

    def attempt(siren: str) -> str:
        start.wait()
        try:
            register(companies, siren)
        except AlreadyRegistered:
            return "already registered"
        return "registered"

    with ThreadPoolExecutor(len(attempts)) as pool:
        outcomes = list(pool.map(attempt, attempts))

    assert outcomes.count("already registered") == 1
    assert outcomes.count("registered") == len(sirens)
    assert len(stored_rows(database_url)) == 2 * len(sirens)


def test_the_same_idempotent_command_sent_concurrently_is_applied_once(
    companies: Companies, database_url: str
) -> None:
    siren = valid_sirens(1)[0]

    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(lambda _: register(companies, siren, key="req-42"), range(6)))

    assert len(set(ids)) == 1
    assert len(stored_rows(database_url)) == 3  # Registered, SizeAssessed, the receipt


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("siren", "123456789", "INVALID_SIREN"),
        ("naf", "6201", "INVALID_NAF"),
        ("region", "99", "INVALID_REGION"),
        ("departement", "20", "INVALID_DEPARTEMENT"),
    ],
)
def test_a_failed_command_appends_nothing_to_the_log(
    companies: Companies, database_url: str, field: str, value: str, code: str
) -> None:
    register(companies, valid_sirens(1)[0])
    before = stored_rows(database_url)
    arguments = {
        "siren": valid_sirens(2)[1],
        "legal_name": "Bad input SARL",
        "region": "53",
        "departement": "35",
        "naf": "62.01Z",
    } | {field: value}

    with pytest.raises(DomainError) as raised:
        companies.register_company("cci", size=SizeFacts(staff_band="12"), **arguments)

    assert raised.value.code == code
    assert stored_rows(database_url) == before
