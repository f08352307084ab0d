"""Loans and cohorts read models on PostgreSQL: incremental equals rebuilt, each network holds
the loans and cohorts it may see, and the figure views count them by day without names."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.connections import connect
from osezia.projections.names import stable_schema
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from osezia.tenants.visibility import Viewer
from tests.integration.projection_support import build_all, catch_up_all, snapshot, viewers_of

PARIS = ZoneInfo("Europe/Paris")
BRETAGNE, ILE_DE_FRANCE = "53", "11"


class Plan:
    """Loans by two networks in two regions, each on a company it registered, and one cohort
    run by Bpifrance, to which the networks refer their companies."""

    def __init__(self, platform: Platform) -> None:
        self.p = platform
        self.rennes = self.company("cci", "542107651", BRETAGNE, "35")
        self.paris = self.company("french-tech", "356000000", ILE_DE_FRANCE, "75")
        self.tours = self.company("cci", "552100018", "24", "37")
        self.cci_loan = self.loan("cci", self.rennes)
        self.french_tech_loan = self.loan("french-tech", self.paris)
        self.refused_loan = self.loan("cci", self.tours)
        self.cohort = self.p.acceleration.open_cohort(
            "bpifrance", name="Promotion 2026", starts_on=date(2026, 1, 15), months=4
        )  # four months: the graduation on 2026-07-01 comes after the programme's length

    def company(self, tenant: str, siren: str, region: str, departement: str) -> UUID:
        return self.p.companies.register_company(
            tenant,
            siren=siren,
            legal_name=f"Entreprise {siren}",
            region=region,
            departement=departement,
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(120)),
        )

    def loan(self, tenant: str, company: UUID) -> UUID:
        return self.p.loans.apply_for_loan(
            tenant,
            company_id=company,
            amount_cents=40_000_000,
            term_months=84,
            purpose="AI quality control",
            on=date(2026, 1, 12),
        )

    def decide(self) -> None:
        loans = self.p.loans
        loans.grant_guarantee("bpifrance", self.cci_loan, on=date(2026, 2, 2))
        loans.disburse_loan(
            "bpifrance", self.cci_loan, amount_cents=35_000_000, on=date(2026, 3, 2)
        )
        loans.grant_guarantee("bpifrance", self.french_tech_loan, on=date(2026, 2, 3))
        loans.refuse_guarantee("bpifrance", self.refused_loan, on=date(2026, 2, 4), reason="r")

    def follow_the_cohort(self) -> None:
        a, cohort = self.p.acceleration, self.cohort
        referrers = {self.rennes: "cci", self.paris: "french-tech", self.tours: "cci"}
        for company, referrer in referrers.items():
            self.p.referrals.share_company(
                referrer,
                company,
                to_tenant="bpifrance",
                purpose="OTHER",
                reason="the acceleration programme",
                consent_reference=f"consent-{company}",
            )
            a.admit_to_cohort("bpifrance", cohort, company_id=company, on=date(2026, 1, 20))
        a.record_milestone(
            "bpifrance", cohort, company_id=self.rennes, milestone="Pilot", on=date(2026, 4, 1)
        )
        a.graduate_from_cohort("bpifrance", cohort, company_id=self.rennes, on=date(2026, 7, 1))
        a.exit_cohort(
            "bpifrance", cohort, company_id=self.paris, on=date(2026, 5, 1), reason="sold"
        )


@pytest.fixture
def world(database_url: str, platform: Platform, tenants: Tenants) -> tuple[list[Viewer], Plan]:
    cci = DEFAULT_TENANTS["cci"][1]
    tenants.register_tenant(
        "cci-bretagne",
        name="CCI Bretagne",
        profile=Profile(commands=cci.commands, sees_all=cci.sees_all, region=BRETAGNE),
    )
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))  # onboarding, before any loan
    plan = Plan(platform)
    asyncio.run(catch_up_all(database_url, viewers, batch_size=2))
    plan.decide()
    plan.follow_the_cohort()
    asyncio.run(catch_up_all(database_url, viewers, batch_size=3))
    return viewers, plan


def ids(rows: list[dict[str, Any]]) -> set[UUID]:
    return {row["id"] for row in rows}


def test_loans_and_cohorts_kept_up_incrementally_equal_a_rebuild(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    viewers, _ = world
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}

    asyncio.run(build_all(database_url, viewers))

    for viewer in viewers:
        rebuilt = asyncio.run(snapshot(database_url, viewer.slug))
        assert rebuilt["loans"] == incremental[viewer.slug]["loans"]
        assert rebuilt["cohorts"] == incremental[viewer.slug]["cohorts"]


def test_each_network_holds_the_loans_and_cohorts_it_may_see(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    _, plan = world
    every_loan = {plan.cci_loan, plan.french_tech_loan, plan.refused_loan}
    seen = {
        slug: asyncio.run(snapshot(database_url, slug))
        for slug in ("platform", "operator", "bpifrance", "cci", "french-tech", "inria")
    }

    for slug in ("platform", "operator", "bpifrance"):
        assert ids(seen[slug]["loans"]) == every_loan
        assert ids(seen[slug]["cohorts"]) == {plan.cohort}
    assert ids(seen["cci"]["loans"]) == {plan.cci_loan, plan.refused_loan}
    assert ids(seen["french-tech"]["loans"]) == {plan.french_tech_loan}
    assert ids(seen["inria"]["loans"]) == set()
    for slug in ("cci", "french-tech", "inria"):
        assert seen[slug]["cohorts"] == []


def test_a_loan_row_keeps_each_milestone_with_its_recorded_time(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    _, plan = world
    rows = {r["id"]: r for r in asyncio.run(snapshot(database_url, "cci"))["loans"]}

    disbursed, refused = rows[plan.cci_loan], rows[plan.refused_loan]
    assert (disbursed["status"], disbursed["region"], disbursed["segment"]) == (
        "DISBURSED",
        BRETAGNE,
        "PME_ETI",
    )
    assert (disbursed["amount_cents"], disbursed["disbursed_cents"]) == (40_000_000, 35_000_000)
    assert (disbursed["granted_on"], disbursed["disbursed_on"]) == (
        date(2026, 2, 2),
        date(2026, 3, 2),
    )
    assert disbursed["guarantee_share_basis_points"] == 7000
    assert disbursed["applied_at"] <= disbursed["granted_at"] <= disbursed["disbursed_at"]
    assert (refused["status"], refused["refused_on"], refused["refuse_reason"]) == (
        "REFUSED",
        date(2026, 2, 4),
        "r",
    )
    assert refused["refused_at"] is not None
    assert refused["granted_at"] is None


def test_a_cohort_row_lists_its_admissions_with_their_steps(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    _, plan = world
    (cohort,) = asyncio.run(snapshot(database_url, "bpifrance"))["cohorts"]

    assert (cohort["capacity"], cohort["months"], cohort["ends_on"]) == (
        100,
        4,
        date(2026, 5, 15),
    )
    counts = ("admitted_count", "active_count", "graduated_count", "exited_count")
    assert tuple(cohort[c] for c in counts) == (3, 1, 1, 1)
    by_company = {a["company_id"]: a for a in cohort["admissions"]}
    graduated, exited = by_company[str(plan.rennes)], by_company[str(plan.paris)]
    assert (graduated["status"], graduated["region"], graduated["graduated_on"]) == (
        "GRADUATED",
        BRETAGNE,
        "2026-07-01",
    )
    assert [(m["milestone"], m["on"]) for m in graduated["milestones"]] == [("Pilot", "2026-04-01")]
    assert graduated["admitted_at"] <= graduated["milestones"][0]["at"] <= graduated["graduated_at"]
    assert (exited["status"], exited["exit_reason"], exited["exited_on"]) == (
        "EXITED",
        "sold",
        "2026-05-01",
    )


async def figures(database_url: str, target: str, view: str) -> list[dict[str, Any]]:
    conn = await connect(database_url)
    try:
        return [
            dict(r) for r in await conn.fetch(f'SELECT * FROM "{stable_schema(target)}".{view}')
        ]
    finally:
        await conn.close()


async def column_types(database_url: str, target: str, view: str) -> list[tuple[str, str]]:
    conn = await connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
            stable_schema(target),
            view,
        )
    finally:
        await conn.close()
    return [(r["column_name"], r["data_type"]) for r in rows]


def test_the_figure_views_have_the_agreed_columns(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    assert asyncio.run(column_types(database_url, "cci", "figures_loans")) == [
        ("region", "text"),
        ("segment", "text"),
        ("status", "text"),
        ("applied_day", "date"),
        ("granted_day", "date"),
        ("disbursed_day", "date"),
        ("loans", "bigint"),
        ("amount_cents", "bigint"),
        ("disbursed_cents", "bigint"),
        ("refused_day", "date"),
    ]
    assert asyncio.run(column_types(database_url, "cci", "figures_acceleration")) == [
        ("region", "text"),
        ("admitted_day", "date"),
        ("graduated_day", "date"),
        ("exited_day", "date"),
        ("companies", "bigint"),
    ]


def test_every_network_reads_the_loan_figures_of_the_whole_plan(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    _, plan = world
    loans = {r["id"]: r for r in asyncio.run(snapshot(database_url, "platform"))["loans"]}
    disbursed = loans[plan.cci_loan]

    # French Tech sees one loan of its own, yet reads the figures of all three.
    rows = asyncio.run(figures(database_url, "french-tech", "figures_loans"))

    assert sum(r["loans"] for r in rows) == 3
    assert sum(r["amount_cents"] for r in rows) == 120_000_000
    assert sum(r["disbursed_cents"] for r in rows) == 35_000_000
    (row,) = [r for r in rows if r["status"] == "DISBURSED"]
    assert row["region"] == BRETAGNE
    assert row["applied_day"] == disbursed["applied_at"].astimezone(PARIS).date()
    assert row["disbursed_day"] == disbursed["disbursed_at"].astimezone(PARIS).date()
    assert [r["granted_day"] for r in rows if r["status"] == "REFUSED"] == [None]
    assert not {"company_id", "company_name", "company_siren"} & set(row)


def test_a_regional_network_reads_the_figures_of_its_region_only(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    loans = asyncio.run(figures(database_url, "cci-bretagne", "figures_loans"))
    cohorts = asyncio.run(figures(database_url, "cci-bretagne", "figures_acceleration"))

    assert {r["region"] for r in loans} == {BRETAGNE}
    assert sum(r["loans"] for r in loans) == 1
    assert [(r["region"], r["companies"]) for r in cohorts] == [(BRETAGNE, 1)]
    assert cohorts[0]["graduated_day"] is not None


def test_every_network_reads_the_acceleration_figures(
    database_url: str, world: tuple[list[Viewer], Plan]
) -> None:
    rows = asyncio.run(figures(database_url, "cci", "figures_acceleration"))

    assert sum(r["companies"] for r in rows) == 3
    assert sum(r["exited_day"] is not None for r in rows) == 1
    assert sum(r["graduated_day"] is not None for r in rows) == 1
    assert not {"company_id", "company_name"} & set(rows[0])
