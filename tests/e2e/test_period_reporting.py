"""Period reporting through `osezia serve`, with real tokens: the two questions partners ask,
each answered by one GraphQL query, with answers checked by hand against the history below.

CCI: « combien de PME bretonnes ont eu un diagnostic cofinancé ce trimestre, et quels cas
d'usage dominent ? » INRIA: « quels partenariats signés en 2026, avec quelles PME, et où en
est-on par rapport à 10 ? ». Co-financing has no business date: a payment counts on the day in
France it was recorded, which for this history is today, inside the current quarter.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import access_token
from tests.e2e.test_oauth import eventually

BRETAGNE, AURA = "53", "84"
PME, ETI, MICRO = Decimal(50), Decimal(500), Decimal(3)
TITLES = {
    "TRI": "Tri automatique des factures",
    "CHAT": "Assistant client conversationnel",
    "PREV": "Prévision des ventes",
}

CCI_QUESTION = """query ($from: Date!, $until: Date!) {
  diagnostics(region: "53", sizeCategory: PME, cofinancedFrom: $from,
              cofinancedUntil: $until, first: 100) {
    totalCount
    edges { node { companyName sizeCategory status cofinancedAt company { legalName } } }
  }
  useCaseFigures(region: "53", sizeCategory: PME, cofinancedFrom: $from,
                 cofinancedUntil: $until) {
    diagnostics companies useCases { code title diagnostics }
  }
}"""

INRIA_QUESTION = """{
  partnerships(signedFrom: "2026-01-01", signedUntil: "2026-12-31", first: 100) {
    totalCount
    edges { node { companyName signedOn sizeCategory withAnSme
                   company { legalName sizeCategory } } }
  }
  partnershipYears(year: 2026) { year signed others target progressPercent }
}"""


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, after - timedelta(days=1)


@pytest.fixture(scope="module")
def store(server: str, database_url: str) -> dict[str, str]:
    return Database.from_url(database_url).eventsourcing_env(pool_size=2)


@pytest.fixture(scope="module")
def tokens(server: str, store: dict[str, str]) -> Iterator[dict[str, str]]:
    with Clients(env=store) as clients:
        yield {t: access_token(server, clients, t) for t in ("cci", "inria", "french-tech")}


@pytest.fixture(scope="module")
def history(server: str, store: dict[str, str], tokens: dict[str, str]) -> None:
    platform = Platform(store, networks=NETWORKS)
    try:
        cci_history(platform)
        inria_history(platform)
        position = platform.companies.recorder.max_notification_id() or 0
    finally:
        platform.close()
    for tenant in tokens:
        assert eventually(lambda t=tenant: caught_up(server, tokens[t], position)), tenant  # type: ignore[misc]


def caught_up(server: str, token: str, position: int) -> bool:
    query = "{ partnerships(first: 1) { totalCount } }"
    response = post(server, token, query, consistency=str(position))
    return response.status_code == 200 and "errors" not in response.json()


def post(
    server: str, token: str, query: str, consistency: str | None = None, **variables: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if consistency is not None:
        headers["X-Consistency-Token"] = consistency
    return httpx.post(
        f"{server}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=20,
    )


def ask(server: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = post(server, token, query, **variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


def a_company(
    platform: Platform, tenant: str, n: int, name: str, region: str, headcount: Decimal
) -> UUID:
    return platform.companies.register_company(
        tenant,
        siren=complete_siren(f"05{n:06d}"),
        legal_name=name,
        region=region,
        departement="35" if region == BRETAGNE else "69",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=headcount),
    )


def diagnosed(platform: Platform, tenant: str, company_id: UUID, codes: list[str]) -> UUID:
    """A diagnostic taken to its report, delivered today, with these use cases."""
    diagnostics = platform.diagnostics
    found = diagnostics.request_diagnostic(tenant, company_id=company_id)
    diagnostics.check_eligibility(tenant, found)
    diagnostics.assign_expert(tenant, found, expert="Lumen")
    diagnostics.deliver_inventory(tenant, found)
    diagnostics.identify_use_cases(
        tenant, found, use_cases=[UseCase(code, TITLES[code]) for code in codes]
    )
    diagnostics.prioritise_use_cases(
        tenant, found, scores=[UseCaseScore(code, value=4, feasibility=3) for code in codes]
    )
    diagnostics.deliver_report(tenant, found, on=today())
    return found


def cofinanced(platform: Platform, tenant: str, company_id: UUID, codes: list[str]) -> None:
    paid = diagnosed(platform, tenant, company_id, codes)
    platform.diagnostics.pay_cofinancing(tenant, paid, price_cents=1_000_000)


def cci_history(platform: Platform) -> None:
    """Four PME in Bretagne co-financed this quarter (TRI ×4, CHAT ×2, PREV ×1), and what must
    not count: a PME whose report is delivered but not paid, an ETI (segment PME_ETI, not the
    legal PME), a PME in another region, and a Breton PME co-financed by Bpifrance's own
    diagnostic, which CCI does not see."""
    breton = [a_company(platform, "cci", n, f"Breizh {n}", BRETAGNE, PME) for n in range(1, 6)]
    for company_id, codes in zip(
        breton[:4], [["TRI", "PREV"], ["TRI", "CHAT"], ["TRI", "CHAT"], ["TRI"]], strict=True
    ):
        cofinanced(platform, "cci", company_id, codes)
    diagnosed(platform, "cci", breton[4], ["TRI"])
    eti = a_company(platform, "cci", 6, "Armor Industrie", BRETAGNE, ETI)
    cofinanced(platform, "cci", eti, ["CHAT"])
    lyon = a_company(platform, "cci", 7, "Rhône Data", AURA, PME)
    cofinanced(platform, "cci", lyon, ["PREV"])
    bpi = a_company(platform, "bpifrance", 8, "Brest Logistique", BRETAGNE, PME)
    cofinanced(platform, "bpifrance", bpi, ["PREV"])


# INRIA's partners: (name, headcount, registered by, signed on; None: only proposed).
PARTNERS = [
    ("Sillon Robotique", PME, "inria", date(2026, 1, 20)),
    ("Loire Vision", PME, "french-tech", date(2026, 2, 3)),
    ("Iroise Capteurs", PME, "french-tech", date(2026, 3, 17)),
    ("Océan Analytics", PME, "french-tech", date(2026, 4, 8)),
    ("Vilaine Santé", PME, "french-tech", date(2026, 5, 26)),
    ("Rance Énergie", PME, "french-tech", date(2026, 6, 30)),
    ("Odet Agritech", PME, "french-tech", date(2026, 9, 14)),
    ("Aber Micro", MICRO, "french-tech", date(2026, 10, 5)),
    ("Trégor Industries", ETI, "french-tech", date(2026, 11, 12)),
    ("Morlaix Mesures", PME, "french-tech", date(2025, 11, 15)),
    ("Quimper Quantique", PME, "french-tech", None),
]


def inria_history(platform: Platform) -> None:
    """Every partner but the first was registered by La French Tech and referred to INRIA,
    which proposed and signed; La French Tech then revoked every referral, so INRIA has no
    other standing with those companies than its own partnerships."""
    for n, (name, headcount, registrant, signed_on) in enumerate(PARTNERS, 20):
        company_id = a_company(platform, registrant, n, name, BRETAGNE, headcount)
        referral = None
        if registrant != "inria":
            referral = platform.referrals.share_company(
                registrant,
                company_id,
                to_tenant="inria",
                purpose="PARTNERSHIP",
                reason="Projet de recherche en IA",
                consent_reference=f"CONSENT-{n}",
            )
        partnership = platform.partnerships.propose_partnership(
            "inria", research_team="Inria Rennes", topic="IA frugale", company_id=company_id
        )
        if signed_on is not None:
            platform.partnerships.sign_partnership("inria", partnership, on=signed_on)
        if referral is not None:
            platform.referrals.revoke_referral(registrant, referral, reason="Projet lancé")


def test_cci_counts_the_breton_pme_cofinanced_this_quarter_and_their_dominant_use_cases(
    server: str, tokens: dict[str, str], history: None
) -> None:
    since, until = quarter_of(today())

    answer = ask(server, tokens["cci"], CCI_QUESTION, **{"from": str(since), "until": str(until)})

    listed = answer["diagnostics"]
    assert listed["totalCount"] == 4
    names = sorted(e["node"]["company"]["legalName"] for e in listed["edges"])
    assert names == ["Breizh 1", "Breizh 2", "Breizh 3", "Breizh 4"]
    assert {e["node"]["sizeCategory"] for e in listed["edges"]} == {"PME"}
    assert answer["useCaseFigures"] == {
        "diagnostics": 4,
        "companies": 4,
        "useCases": [
            {"code": "TRI", "title": TITLES["TRI"], "diagnostics": 4},
            {"code": "CHAT", "title": TITLES["CHAT"], "diagnostics": 2},
            {"code": "PREV", "title": TITLES["PREV"], "diagnostics": 1},
        ],
    }


def test_the_pme_eti_segment_also_counts_the_eti_and_no_region_counts_every_region(
    server: str, tokens: dict[str, str], history: None
) -> None:
    query = """query ($from: Date!) {
      segment: useCaseFigures(region: "53", segment: PME_ETI, cofinancedFrom: $from) {
        diagnostics useCases { code diagnostics } }
      everywhere: useCaseFigures(sizeCategory: PME, cofinancedFrom: $from) { diagnostics }
    }"""

    answer = ask(server, tokens["cci"], query, **{"from": str(quarter_of(today())[0])})

    assert answer["segment"]["diagnostics"] == 5
    assert answer["segment"]["useCases"][:2] == [
        {"code": "TRI", "diagnostics": 4},
        {"code": "CHAT", "diagnostics": 3},
    ]
    assert answer["everywhere"]["diagnostics"] == 5


def test_as_of_yesterday_nothing_was_cofinanced_yet_and_every_record_came_later(
    server: str, tokens: dict[str, str], history: None
) -> None:
    yesterday = str(today() - timedelta(days=1))
    query = """query ($day: Date!, $from: Date!, $siren: String!) {
      useCaseFigures(region: "53", sizeCategory: PME, cofinancedFrom: $from, asOf: $day) {
        diagnostics useCases { code } }
      diagnostics(region: "53", asOf: $day) { totalCount }
      company(siren: $siren, asOf: $day) { legalName }
    }"""

    siren = complete_siren("05000001")

    answer = ask(server, tokens["cci"], query, day=yesterday, siren=siren, **{"from": "2026-01-01"})

    assert answer["useCaseFigures"] == {"diagnostics": 0, "useCases": []}
    assert answer["diagnostics"]["totalCount"] == 0
    assert answer["company"] is None


def test_a_day_not_over_yet_is_refused_for_a_list_as_for_the_figures(
    server: str, tokens: dict[str, str], history: None
) -> None:
    tomorrow = str(today() + timedelta(days=1))

    response = post(
        server,
        tokens["cci"],
        "query ($d: Date!) { diagnostics(asOf: $d) { totalCount } }",
        d=tomorrow,
    )

    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "INVALID_DATE"


def test_inria_lists_its_2026_partnerships_with_their_smes_against_the_target_of_ten(
    server: str, tokens: dict[str, str], history: None
) -> None:
    answer = ask(server, tokens["inria"], INRIA_QUESTION)

    nodes = [e["node"] for e in answer["partnerships"]["edges"]]
    assert answer["partnerships"]["totalCount"] == 9
    assert sorted((n["companyName"], n["company"]["legalName"]) for n in nodes) == sorted(
        (name, name) for name, _, _, on in PARTNERS if on is not None and on.year == 2026
    )
    smes = sorted(n["companyName"] for n in nodes if n["withAnSme"])
    assert smes == sorted(
        [
            "Sillon Robotique",
            "Loire Vision",
            "Iroise Capteurs",
            "Océan Analytics",
            "Vilaine Santé",
            "Rance Énergie",
            "Odet Agritech",
            "Aber Micro",
        ]
    )
    assert {n["sizeCategory"] for n in nodes if not n["withAnSme"]} == {"ETI"}
    assert answer["partnershipYears"] == [
        {"year": 2026, "signed": 8, "others": 1, "target": 10, "progressPercent": 80.0}
    ]


def test_inria_sees_the_company_of_each_of_its_partnerships_after_the_referral_is_revoked(
    server: str, tokens: dict[str, str], history: None
) -> None:
    query = """{ partnerships(first: 100) { edges { node { companyName
                 company { legalName owner sharedWithUs } } } } }"""

    nodes = [e["node"] for e in ask(server, tokens["inria"], query)["partnerships"]["edges"]]

    assert len(nodes) == len(PARTNERS)
    assert all(n["company"] is not None for n in nodes), nodes
    assert {n["company"]["legalName"] for n in nodes} == {p[0] for p in PARTNERS}
    assert not any(n["company"]["sharedWithUs"] for n in nodes)


def test_another_network_does_not_see_the_companies_of_inrias_partnerships(
    server: str, tokens: dict[str, str], history: None
) -> None:
    siren = complete_siren("05000020")  # Sillon Robotique, registered by INRIA

    query = "query ($siren: String!) { company(siren: $siren) { legalName } }"

    answer = ask(server, tokens["cci"], query, siren=siren)

    assert answer["company"] is None


def test_as_of_yesterday_inria_had_signed_nothing_yet(
    server: str, tokens: dict[str, str], history: None
) -> None:
    query = """query ($day: Date!) {
      partnerships(signedFrom: "2026-01-01", asOf: $day) { totalCount }
      partnershipYears(year: 2026, asOf: $day) { signed }
    }"""

    answer = ask(server, tokens["inria"], query, day=str(today() - timedelta(days=1)))

    assert answer == {"partnerships": {"totalCount": 0}, "partnershipYears": []}
