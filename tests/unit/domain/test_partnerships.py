"""Partnerships between INRIA teams and SMEs: proposed, signed, started, completed or abandoned."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.errors import InvalidDate, InvalidTransition, InvalidValue, NotFound
from osezia.domain.partnerships.application import Partnerships
from osezia.domain.partnerships.model import Partnership, PartnershipStatus
from osezia.domain.referrals.application import Referrals
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.unit.conftest import MEMORY

INRIA = "inria"
SIGNED = date(2025, 11, 3)
STARTED = date(2026, 1, 5)


@pytest.fixture
def partnerships(companies: Companies) -> Partnerships:
    return Partnerships(env=MEMORY, share_with=companies)


def a_cci_company(companies: Companies) -> UUID:
    return companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="52",
        departement="44",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )


@pytest.fixture
def company(companies: Companies) -> UUID:
    """A company another network registered and referred to INRIA for a partnership."""
    company_id = a_cci_company(companies)
    Tenants(env=MEMORY, share_with=companies).seed_defaults()
    Referrals(env=MEMORY, share_with=companies).share_company(
        "cci",
        company_id,
        to_tenant=INRIA,
        purpose="PARTNERSHIP",
        reason="Looks for a research team on cobotic assembly",
        consent_reference="CCI-2025-117",
    )
    return company_id


def a_proposal(
    partnerships: Partnerships, company: UUID, idempotency_key: str | None = None
) -> UUID:
    return partnerships.propose_partnership(
        INRIA,
        research_team="  Inria Rennes,  équipe Rainbow ",
        topic="Cobotic assembly planning",
        company_id=company,
        idempotency_key=idempotency_key,
    )


def log_position(partnerships: Partnerships) -> int:
    return partnerships.recorder.max_notification_id() or 0


def test_a_partnership_is_proposed_for_a_known_company(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)

    partnership = partnerships.get_partnership(INRIA, partnership_id)
    assert partnership.research_team == "Inria Rennes, équipe Rainbow"
    assert partnership.topic == "Cobotic assembly planning"
    assert partnership.company_id == company
    assert partnership.status is PartnershipStatus.PROPOSED
    assert partnership.year is None


def test_a_partnership_needs_a_company_known_to_the_registry(
    partnerships: Partnerships,
) -> None:
    stranger = uuid4()

    with pytest.raises(NotFound, match=str(stranger)):
        a_proposal(partnerships, stranger)


def test_a_partnership_needs_a_company_inria_follows_or_was_referred(
    partnerships: Partnerships, companies: Companies
) -> None:
    unseen = a_cci_company(companies)
    before = log_position(partnerships)

    with pytest.raises(NotFound, match=f"no company with id {unseen}"):
        a_proposal(partnerships, unseen)

    assert log_position(partnerships) == before


def test_a_partnership_is_proposed_for_a_company_inria_follows(
    partnerships: Partnerships, companies: Companies
) -> None:
    company_id = a_cci_company(companies)
    companies.register_company(
        INRIA,
        siren="542107651",
        legal_name="Robotique de l'Ouest SAS",
        region="52",
        departement="44",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )

    partnership = partnerships.get_partnership(INRIA, a_proposal(partnerships, company_id))

    assert partnership.company_name == "Robotique de l'Ouest SAS"


@pytest.mark.parametrize(("team", "topic"), [(" ", "Robotics"), ("Rainbow", "")])
def test_a_partnership_needs_a_research_team_and_a_topic(
    partnerships: Partnerships, company: UUID, team: str, topic: str
) -> None:
    with pytest.raises(InvalidValue, match="cannot be empty"):
        partnerships.propose_partnership(INRIA, research_team=team, topic=topic, company_id=company)


def test_a_signed_partnership_counts_for_the_year_it_was_signed_in(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)

    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)

    partnership = partnerships.get_partnership(INRIA, partnership_id)
    assert partnership.status is PartnershipStatus.SIGNED
    assert partnership.signed_on == SIGNED
    assert partnership.year == 2025


def test_a_partnership_goes_from_signature_to_completion(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)

    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)
    partnerships.start_partnership(INRIA, partnership_id, on=STARTED)
    partnerships.complete_partnership(INRIA, partnership_id, on=date(2026, 11, 18))

    partnership = partnerships.get_partnership(INRIA, partnership_id)
    assert partnership.status is PartnershipStatus.COMPLETED
    assert (partnership.started_on, partnership.completed_on) == (STARTED, date(2026, 11, 18))
    assert partnership.year == 2025


Step = Callable[[Partnerships, UUID], None]


def sign(partnerships: Partnerships, partnership_id: UUID) -> None:
    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)


def start(partnerships: Partnerships, partnership_id: UUID) -> None:
    partnerships.start_partnership(INRIA, partnership_id, on=STARTED)


def complete(partnerships: Partnerships, partnership_id: UUID) -> None:
    partnerships.complete_partnership(INRIA, partnership_id, on=STARTED)


def abandon(partnerships: Partnerships, partnership_id: UUID) -> None:
    partnerships.abandon_partnership(INRIA, partnership_id, reason="funding lost")


@pytest.mark.parametrize(
    ("done", "attempt", "message"),
    [
        ([], start, "is PROPOSED; cannot start"),
        ([], complete, "is PROPOSED; cannot complete"),
        ([sign], sign, "is SIGNED; cannot sign"),
        ([sign], complete, "is SIGNED; cannot complete"),
        ([sign, start], sign, "is STARTED; cannot sign"),
        ([sign, start], start, "is STARTED; cannot start"),
        ([sign, start, complete], abandon, "is COMPLETED; cannot abandon"),
        ([abandon], sign, "is ABANDONED; cannot sign"),
        ([abandon], abandon, "is ABANDONED; cannot abandon"),
    ],
)
def test_steps_out_of_order_are_refused_naming_the_status_and_the_step(
    partnerships: Partnerships, company: UUID, done: list[Step], attempt: Step, message: str
) -> None:
    partnership_id = a_proposal(partnerships, company)
    for step in done:
        step(partnerships, partnership_id)

    with pytest.raises(InvalidTransition, match=message):
        attempt(partnerships, partnership_id)


@pytest.mark.parametrize("done", [[], [sign], [sign, start]])
def test_a_partnership_is_abandoned_with_a_reason_before_its_end(
    partnerships: Partnerships, company: UUID, done: list[Step]
) -> None:
    partnership_id = a_proposal(partnerships, company)
    for step in done:
        step(partnerships, partnership_id)

    partnerships.abandon_partnership(INRIA, partnership_id, reason="  funding lost ")

    partnership = partnerships.get_partnership(INRIA, partnership_id)
    assert partnership.status is PartnershipStatus.ABANDONED
    assert partnership.abandonment_reason == "funding lost"


def test_an_abandonment_needs_a_reason(partnerships: Partnerships, company: UUID) -> None:
    partnership_id = a_proposal(partnerships, company)

    with pytest.raises(InvalidValue, match="reason"):
        partnerships.abandon_partnership(INRIA, partnership_id, reason="")


def test_a_partnership_cannot_start_before_it_was_signed(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)
    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)

    with pytest.raises(InvalidDate, match="2025-11-02 is before the signature"):
        partnerships.start_partnership(INRIA, partnership_id, on=date(2025, 11, 2))


def test_a_partnership_cannot_complete_before_it_started(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)
    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)
    partnerships.start_partnership(INRIA, partnership_id, on=STARTED)

    with pytest.raises(InvalidDate, match="2026-01-04 is before the start"):
        partnerships.complete_partnership(INRIA, partnership_id, on=date(2026, 1, 4))


def test_a_partnership_may_start_and_complete_on_the_day_it_was_signed(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)

    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)
    partnerships.start_partnership(INRIA, partnership_id, on=SIGNED)
    partnerships.complete_partnership(INRIA, partnership_id, on=SIGNED)

    assert partnerships.get_partnership(INRIA, partnership_id).completed_on == SIGNED


def test_another_tenants_partnership_is_not_found(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)

    with pytest.raises(NotFound):
        partnerships.get_partnership("cci", partnership_id)
    with pytest.raises(NotFound):
        partnerships.sign_partnership("cci", partnership_id, on=SIGNED)


def test_the_same_proposal_sent_twice_with_one_key_proposes_once(
    partnerships: Partnerships, company: UUID
) -> None:
    first = a_proposal(partnerships, company, idempotency_key="propose-rainbow")
    position = log_position(partnerships)

    second = a_proposal(partnerships, company, idempotency_key="propose-rainbow")

    assert second == first
    assert log_position(partnerships) == position


def test_the_same_signature_sent_twice_with_one_key_is_not_refused_as_out_of_order(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)
    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED, idempotency_key="sign-1")
    position = log_position(partnerships)

    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED, idempotency_key="sign-1")

    assert log_position(partnerships) == position


def test_a_step_refused_as_out_of_order_appends_nothing(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)
    position = log_position(partnerships)

    with pytest.raises(InvalidTransition):
        partnerships.complete_partnership(INRIA, partnership_id, on=SIGNED, idempotency_key="c")

    assert log_position(partnerships) == position


def test_a_partnership_replayed_from_the_store_is_the_partnership_that_was_saved(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership = Partnership(
        tenant=INRIA,
        research_team="Rainbow",
        topic="Cobotics",
        company_id=company,
        company_siren="632012100",
        company_name="Robots du Rhône",
        region="84",
    )
    partnership.sign(SIGNED, "PME")
    partnership.start(STARTED)
    partnership.complete(date(2026, 6, 30))
    partnerships.save(partnership)

    replayed = partnerships.get_partnership(INRIA, partnership.id)

    assert vars(replayed) == vars(partnership)


# --- the company's legal size category at signature ---------------------------------------------


def test_a_partnership_keeps_the_companys_legal_category_at_signature(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)

    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)

    partnership = partnerships.get_partnership(INRIA, partnership_id)
    assert (partnership.size_category, partnership.with_an_sme) == ("PME", True)


@pytest.mark.parametrize(
    ("uta", "category", "sme"), [(4, "MICRO", True), (600, "ETI", False), (6000, "GE", False)]
)
def test_only_a_micro_or_a_pme_is_an_sme(
    partnerships: Partnerships, companies: Companies, uta: int, category: str, sme: bool
) -> None:
    company = companies.register_company(
        INRIA,
        siren="356000000",
        legal_name="La Poste" if category == "GE" else "Entreprise",
        region="11",
        departement="75",
        naf="53.10Z",
        size=SizeFacts(headcount_uta=Decimal(uta)),
    )
    partnership_id = partnerships.propose_partnership(
        INRIA, research_team="Inria Paris", topic="Logistics", company_id=company
    )

    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)

    partnership = partnerships.get_partnership(INRIA, partnership_id)
    assert (partnership.size_category, partnership.with_an_sme) == (category, sme)


def test_a_signature_stored_before_categories_were_kept_reads_as_unknown(
    partnerships: Partnerships, company: UUID
) -> None:
    partnership_id = a_proposal(partnerships, company)
    partnerships.sign_partnership(INRIA, partnership_id, on=SIGNED)
    (stored,) = [
        s
        for s in partnerships.recorder.select_events(partnership_id)
        if s.topic.endswith("Partnership.Signed")
    ]
    state = json.loads(stored.state)
    del state["size_category"]
    del state["class_version"]  # as version 1 wrote it
    old = replace(stored, state=json.dumps(state).encode())

    event = partnerships.mapper.to_domain_event(old)

    assert isinstance(event, Partnership.Signed)
    assert (event.on, event.size_category) == (SIGNED, None)
