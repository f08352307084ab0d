"""The network boundary around a company: each network that registers its SIREN follows it with
a record of its own; a network that neither follows it nor was referred it cannot tell it from a
SIREN nobody registered; a referral lets the receiver act on the company, not change the
referrer's record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from datetime import date
from decimal import Decimal
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import Notification, StoredEvent

from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import AdoptionStage, Company
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.errors import DomainError
from osezia.domain.referrals.application import Referrals
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.strategies import luhn_check_digit
from tests.unit.conftest import MEMORY

CCI = "cci"
BPIFRANCE = "bpifrance"
FRENCH_TECH = "french-tech"
SIREN = "632012100"
UNREGISTERED_SIREN = "542107651"

Command = Callable[[Companies, str, UUID], object]

# The commands that change a network's own record of a company.
RECORD_COMMANDS = [
    pytest.param(
        lambda c, tenant, i: c.reassess_size(tenant, i, SizeFacts(headcount_uta=Decimal(300))),
        id="reassess size",
    ),
    pytest.param(
        lambda c, tenant, i: c.add_establishment(
            tenant, i, siret=SIREN + "0001" + luhn_check_digit(SIREN + "0001"), departement="69"
        ),
        id="add establishment",
    ),
    pytest.param(
        lambda c, tenant, i: c.advance_adoption(tenant, i, stage="AWARE", on=date(2025, 9, 1)),
        id="advance adoption",
    ),
]


def register(companies: Companies, tenant: str, size: SizeFacts, *, siren: str = SIREN) -> UUID:
    return companies.register_company(
        tenant,
        siren=siren,
        legal_name="Compagnie Générale",
        region="84",
        departement="69",
        naf="62.01Z",
        size=size,
    )


def appended(companies: Companies) -> int:
    return companies.recorder.max_notification_id() or 0


def refused(command: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as raised:
        command()
    return raised.value


@pytest.fixture
def referrals(companies: Companies) -> Referrals:
    Tenants(env=MEMORY, share_with=companies).seed_defaults()
    return Referrals(env=MEMORY, share_with=companies)


def share(referrals: Referrals, company_id: UUID, to_tenant: str, tenant: str = CCI) -> UUID:
    return referrals.share_company(
        tenant,
        company_id,
        to_tenant=to_tenant,
        purpose="DIAGNOSTIC",
        reason="Wants to sort its supplier invoices automatically",
        consent_reference="FORM-2025-0042",
    )


# --- following -----------------------------------------------------------------------------


def test_a_second_networks_registration_answers_like_a_first_and_keeps_its_own_size_and_stage(
    companies: Companies,
) -> None:
    first = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    companies.advance_adoption(CCI, first, stage="TRAINED", on=date(2025, 9, 1))

    second = register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(300)))
    companies.advance_adoption(BPIFRANCE, second, stage="AWARE", on=date(2025, 10, 1))

    assert second == first == Company.create_id(SIREN)
    company = companies.get_company(BPIFRANCE, second)
    cci, bpifrance = company.records[CCI], company.records[BPIFRANCE]
    assert (cci.size_category, cci.segment, cci.adoption_stage) == (
        "MICRO",
        "TPE",
        AdoptionStage.TRAINED,
    )
    assert (bpifrance.size_category, bpifrance.segment, bpifrance.adoption_stage) == (
        "ETI",
        "PME_ETI",
        AdoptionStage.AWARE,
    )
    assert bpifrance.adoption_history == [("AWARE", date(2025, 10, 1))]


def test_a_follower_that_registers_again_is_told_it_already_did_and_appends_nothing(
    companies: Companies,
) -> None:
    register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(5)))
    before = appended(companies)

    error = refused(lambda: register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(5))))

    assert error.code == "ALREADY_REGISTERED"
    assert appended(companies) == before


# --- a network that does not stand in the company ------------------------------------------


@pytest.mark.parametrize("outsider", [BPIFRANCE, FRENCH_TECH, "inria"])
@pytest.mark.parametrize("command", RECORD_COMMANDS)
def test_a_network_that_neither_follows_nor_was_referred_gets_the_unknown_company_answer(
    companies: Companies, outsider: str, command: Command
) -> None:
    registered = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    unregistered = Company.create_id(UNREGISTERED_SIREN)
    cci_record = deepcopy(companies.get_company(CCI, registered).records[CCI])
    before = appended(companies)

    seen = refused(lambda: command(companies, outsider, registered))
    unknown = refused(lambda: command(companies, outsider, unregistered))

    assert seen.code == unknown.code == "NOT_FOUND"
    assert seen.message.replace(str(registered), "<id>") == unknown.message.replace(
        str(unregistered), "<id>"
    )
    assert appended(companies) == before
    assert companies.get_company(CCI, registered).records[CCI] == cci_record


# --- referrals -----------------------------------------------------------------------------


def test_a_referral_receiver_requests_a_diagnostic_on_the_referrers_record(
    companies: Companies, referrals: Referrals
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(50)))
    share(referrals, company_id, BPIFRANCE)
    diagnostics = Diagnostics(env=MEMORY, share_with=companies)

    diagnostic_id = diagnostics.request_diagnostic(BPIFRANCE, company_id=company_id)
    diagnostics.check_eligibility(BPIFRANCE, diagnostic_id)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert (diagnostic.tenant, diagnostic.segment, diagnostic.eligible) == (
        BPIFRANCE,
        "PME_ETI",
        True,
    )


@pytest.mark.parametrize("command", RECORD_COMMANDS)
def test_a_referral_receiver_cannot_change_the_referrers_record(
    companies: Companies, referrals: Referrals, command: Command
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    share(referrals, company_id, BPIFRANCE)
    company = companies.get_company(CCI, company_id)
    before = appended(companies)

    error = refused(lambda: command(companies, BPIFRANCE, company_id))

    assert error.code == "NOT_REGISTERED"
    assert appended(companies) == before
    assert companies.get_company(CCI, company_id).records == company.records


def test_a_referral_receiver_that_registers_the_siren_keeps_a_record_of_its_own(
    companies: Companies, referrals: Referrals
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    share(referrals, company_id, BPIFRANCE)

    register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(300)))
    companies.advance_adoption(BPIFRANCE, company_id, stage="AWARE", on=date(2025, 9, 1))

    company = companies.get_company(BPIFRANCE, company_id)
    assert company.record(BPIFRANCE) is company.records[BPIFRANCE]
    assert company.records[BPIFRANCE].adoption_stage is AdoptionStage.AWARE
    assert company.records[CCI].adoption_stage is AdoptionStage.NONE


def test_a_revoked_referral_leaves_the_receiver_with_the_unknown_company_answer(
    companies: Companies, referrals: Referrals
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(50)))
    referral_id = share(referrals, company_id, BPIFRANCE)
    diagnostics = Diagnostics(env=MEMORY, share_with=companies)

    referrals.revoke_referral(CCI, referral_id, reason="The company withdrew its consent")
    before = appended(companies)

    error = refused(lambda: diagnostics.request_diagnostic(BPIFRANCE, company_id=company_id))
    assert (error.code, error.message) == ("NOT_FOUND", f"no company with id {company_id}")
    assert appended(companies) == before


@pytest.mark.parametrize(
    ("to_tenant", "code"),
    [
        pytest.param("nobody", "NOT_FOUND", id="unknown slug"),
        pytest.param(FRENCH_TECH, "NOT_FOUND", id="suspended network"),
        pytest.param("platform", "NOT_FOUND", id="the platform"),
        pytest.param(CCI, "INVALID_VALUE", id="itself"),
    ],
)
def test_a_share_to_no_live_network_but_the_sharers_own_is_refused_and_appends_nothing(
    companies: Companies, referrals: Referrals, to_tenant: str, code: str
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    Tenants(env=MEMORY, share_with=companies).suspend_tenant(FRENCH_TECH, reason="Unpaid dues")
    before = appended(companies)

    error = refused(lambda: share(referrals, company_id, to_tenant))

    assert error.code == code
    assert appended(companies) == before
    assert companies.get_company(CCI, company_id).referrals == {}


def test_a_referral_receiver_cannot_share_the_company_on(
    companies: Companies, referrals: Referrals
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    share(referrals, company_id, BPIFRANCE)
    before = appended(companies)

    error = refused(lambda: share(referrals, company_id, "inria", tenant=BPIFRANCE))

    assert (error.code, error.message) == ("NOT_FOUND", f"no company with id {company_id}")
    assert appended(companies) == before


# --- replay --------------------------------------------------------------------------------


def test_replaying_a_followed_companys_stored_events_reproduces_it_with_every_record(
    companies: Companies, referrals: Referrals
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(300)))
    siret = SIREN + "0001" + luhn_check_digit(SIREN + "0001")
    companies.add_establishment(BPIFRANCE, company_id, siret=siret, departement="69")
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    companies.advance_adoption(BPIFRANCE, company_id, stage="PILOTING", on=date(2025, 10, 1))
    share(referrals, company_id, "inria")
    written = companies.get_company(CCI, company_id)

    replayed: Company = Companies(env=MEMORY, share_with=companies).repository.get(company_id)

    assert vars(replayed) == vars(written)
    assert set(replayed.records) == {CCI, BPIFRANCE}
    assert replayed.records[BPIFRANCE].establishments == {siret: ("69", False)}
    assert replayed.parties == {CCI, BPIFRANCE, "inria"}


def test_events_stored_before_networks_followed_companies_change_the_registrants_record(
    companies: Companies,
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    siret = SIREN + "0001" + luhn_check_digit(SIREN + "0001")
    companies.add_establishment(CCI, company_id, siret=siret, departement="69")
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    written = companies.get_company(CCI, company_id)
    older = Companies(env=MEMORY, networks=companies.networks)

    # The same history as it was stored then: events after the registration named no network.
    older.recorder.insert_events([as_first_stored(n) for n in notifications(companies)])

    reread = older.get_company(CCI, company_id)
    assert vars(reread) == vars(written)
    assert reread.records[CCI].establishments == {siret: ("69", False)}
    assert reread.records[CCI].adoption_stage is AdoptionStage.AWARE


def notifications(companies: Companies) -> Sequence[Notification]:
    return companies.recorder.select_notifications(start=1, limit=100)


def as_first_stored(notification: Notification) -> StoredEvent:
    state = orjson.loads(notification.state)
    if not notification.topic.endswith("Company.Registered"):
        del state["tenant"], state["class_version"]
    return StoredEvent(
        originator_id=notification.originator_id,
        originator_version=notification.originator_version,
        topic=notification.topic,
        state=orjson.dumps(state),
    )
