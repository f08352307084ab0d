"""The network boundary around a company: each network that registers its SIREN follows it with
a record of its own; a network that neither follows it nor was referred it cannot tell it from a
SIREN nobody registered; a referral lets the receiver act on the company, not change the
referrer's record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import Notification, StoredEvent

from osezia.domain.acceleration.application import Acceleration
from osezia.domain.application import PlatformApplication
from osezia.domain.calls.application import Calls
from osezia.domain.calls.templates import PIONNIERS_IA
from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.errors import DomainError
from osezia.domain.events.application import Events
from osezia.domain.loans.application import Loans
from osezia.domain.partnerships.application import Partnerships
from osezia.domain.referrals.application import Referrals
from osezia.domain.sizes import SizeFacts
from osezia.domain.solutions.application import Solutions
from osezia.tenants.application import Tenants
from tests.strategies import luhn_check_digit
from tests.unit.conftest import MEMORY

CCI = "cci"
BPIFRANCE = "bpifrance"
FRENCH_TECH = "french-tech"
SIREN = "632012100"
UNREGISTERED_SIREN = "542107651"
SIRET = SIREN + "0001" + luhn_check_digit(SIREN + "0001")
PROVIDER = "732829320"  # an AI solution provider's SIREN
ON = date(2026, 1, 20)  # the day of the commands of other contexts

Command = Callable[[Companies, str, UUID], object]
AppT = TypeVar("AppT", bound=PlatformApplication)

# The commands that change a network's own record of a company.
RECORD_COMMANDS = [
    pytest.param(
        lambda c, tenant, i: c.reassess_size(tenant, i, SizeFacts(headcount_uta=Decimal(300))),
        id="reassess size",
    ),
    pytest.param(
        lambda c, tenant, i: c.add_establishment(tenant, i, siret=SIRET, departement="69"),
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
    first_appended = appended(companies)
    companies.advance_adoption(CCI, first, stage="TRAINED", on=date(2025, 9, 1))
    before = appended(companies)

    second = register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(300)))
    second_appended = appended(companies) - before
    companies.advance_adoption(BPIFRANCE, second, stage="AWARE", on=date(2025, 10, 1))

    assert second == first == Company.create_id(SIREN)
    assert second_appended == first_appended  # as many events as a first registration
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


@dataclass
class Platform:
    """The applications whose commands name a company, with what each needs in place: an
    outsider's cohort, call, event with a provider, and a listed solution."""

    companies: Companies
    referrals: Referrals
    diagnostics: Diagnostics
    loans: Loans
    acceleration: Acceleration
    calls: Calls
    partnerships: Partnerships
    solutions: Solutions
    events: Events
    cohort: UUID
    call: UUID
    event: UUID
    solution: UUID


@pytest.fixture
def platform(companies: Companies, referrals: Referrals) -> Platform:
    def shared(kind: Callable[..., AppT], **kwargs: object) -> AppT:
        return kind(env=MEMORY, share_with=companies, **kwargs)

    acceleration, calls = shared(Acceleration), shared(Calls, today=lambda: date(2025, 11, 3))
    solutions, events = shared(Solutions), shared(Events)
    event = events.schedule_event(
        BPIFRANCE, title="Rencontres IA", kind="MONTHLY_MEETUP", region="84", on=ON, capacity=9
    )
    events.register_provider(BPIFRANCE, event, siren=PROVIDER, name="Assistants Français")
    provider = solutions.list_provider(BPIFRANCE, siren=PROVIDER, name="AF", sovereignty="FR")
    return Platform(
        companies=companies,
        referrals=referrals,
        diagnostics=shared(Diagnostics),
        loans=shared(Loans),
        acceleration=acceleration,
        calls=calls,
        partnerships=shared(Partnerships),
        solutions=solutions,
        events=events,
        cohort=acceleration.open_cohort(BPIFRANCE, name="Promotion IA", starts_on=ON),
        call=calls.open_call(
            "operator", code=PIONNIERS_IA, opens_on=date(2025, 9, 18), closes_on=date(2026, 3, 31)
        ),
        event=event,
        solution=solutions.list_solution(
            BPIFRANCE,
            provider_id=provider,
            name="Agent de support",
            description="Répond aux clients jour et nuit",
            categories=["CUSTOMER_SERVICE"],
        ),
    )


# Every command of another context that names a company, sent by Bpifrance.
NAMING_COMMANDS: list[Callable[[Platform, UUID], object]] = [
    lambda p, i: share(p.referrals, i, "inria", tenant=BPIFRANCE),
    lambda p, i: p.diagnostics.request_diagnostic(BPIFRANCE, company_id=i),
    lambda p, i: p.loans.apply_for_loan(
        BPIFRANCE, company_id=i, amount_cents=10_000_000, term_months=60, purpose="Robots", on=ON
    ),
    lambda p, i: p.acceleration.admit_to_cohort(BPIFRANCE, p.cohort, company_id=i, on=ON),
    lambda p, i: p.calls.submit_application(
        BPIFRANCE, call_id=p.call, company_id=i, project_title="Cobotique"
    ),
    lambda p, i: p.partnerships.propose_partnership(
        BPIFRANCE, research_team="Rainbow", topic="Cobotics", company_id=i
    ),
    lambda p, i: p.solutions.record_adoption(
        BPIFRANCE, company_id=i, solution_id=p.solution, on=ON
    ),
    lambda p, i: p.events.register_company(BPIFRANCE, p.event, company_id=i),
    lambda p, i: p.events.book_meeting(BPIFRANCE, p.event, company_id=i, provider_siren=PROVIDER),
    lambda p, i: p.events.record_attendance(BPIFRANCE, p.event, on=ON, company_id=i),
]
COMMAND_NAMES = [
    "share company",
    "request diagnostic",
    "apply for loan",
    "admit to cohort",
    "submit application",
    "propose partnership",
    "record adoption",
    "register to an event",
    "book a meeting",
    "record attendance",
]


@pytest.mark.parametrize("command", NAMING_COMMANDS, ids=COMMAND_NAMES)
def test_every_command_naming_a_company_answers_an_unseen_one_as_an_unknown_one(
    platform: Platform, command: Callable[[Platform, UUID], object]
) -> None:
    # Bpifrance sees every diagnostic, loan, cohort and call application, and acts on none of
    # CCI's companies without following it or being referred it.
    registered = register(platform.companies, CCI, SizeFacts(headcount_uta=Decimal(50)))
    unregistered = Company.create_id(UNREGISTERED_SIREN)
    before = appended(platform.companies)

    seen = refused(lambda: command(platform, registered))
    unknown = refused(lambda: command(platform, unregistered))

    assert (seen.code, seen.message) == ("NOT_FOUND", f"no company with id {registered}")
    assert (unknown.code, unknown.message) == ("NOT_FOUND", f"no company with id {unregistered}")
    assert appended(platform.companies) == before


@pytest.mark.parametrize("command", NAMING_COMMANDS[1:], ids=COMMAND_NAMES[1:])
@pytest.mark.parametrize("standing", ["follows", "was referred"])
def test_every_command_naming_a_company_passes_for_a_follower_or_a_referral_receiver(
    platform: Platform, command: Callable[[Platform, UUID], object], standing: str
) -> None:
    company_id = register(platform.companies, CCI, SizeFacts(headcount_uta=Decimal(50)))
    if standing == "follows":
        register(platform.companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(50)))
    else:
        share(platform.referrals, company_id, BPIFRANCE)
    if command in NAMING_COMMANDS[-2:]:  # meetings and attendance need a registered company
        platform.events.register_company(BPIFRANCE, platform.event, company_id=company_id)
    if command is NAMING_COMMANDS[-1]:  # attendance is recorded once the event is held
        platform.events.hold_event(BPIFRANCE, platform.event, on=ON)
    before = appended(platform.companies)

    command(platform, company_id)

    assert appended(platform.companies) > before


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

    # It sees the company, so it is told why: it keeps no record of its own to share.
    assert error.code == "NOT_REGISTERED"
    assert appended(companies) == before


# --- replay --------------------------------------------------------------------------------


def test_replaying_a_followed_companys_stored_events_reproduces_it_with_every_record(
    companies: Companies, referrals: Referrals
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    register(companies, BPIFRANCE, SizeFacts(headcount_uta=Decimal(300)))
    companies.add_establishment(BPIFRANCE, company_id, siret=SIRET, departement="69")
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    companies.advance_adoption(BPIFRANCE, company_id, stage="PILOTING", on=date(2025, 10, 1))
    share(referrals, company_id, "inria")
    written = companies.get_company(CCI, company_id)

    replayed: Company = Companies(env=MEMORY, share_with=companies).repository.get(company_id)

    assert vars(replayed) == vars(written)
    assert set(replayed.records) == {CCI, BPIFRANCE}
    assert replayed.records[BPIFRANCE].establishments == {SIRET: ("69", False)}
    assert replayed.parties == {CCI, BPIFRANCE, "inria"}


def test_events_stored_before_networks_followed_companies_change_the_registrants_record(
    companies: Companies,
) -> None:
    company_id = register(companies, CCI, SizeFacts(headcount_uta=Decimal(5)))
    companies.add_establishment(CCI, company_id, siret=SIRET, departement="69")
    companies.advance_adoption(CCI, company_id, stage="AWARE", on=date(2025, 9, 1))
    written = companies.get_company(CCI, company_id)
    older = Companies(env=MEMORY, networks=companies.networks)

    # The same history as it was stored then: events after the registration named no network.
    older.recorder.insert_events([as_first_stored(n) for n in notifications(companies)])

    reread = older.get_company(CCI, company_id)
    assert vars(reread) == vars(written)
    assert reread.records[CCI].establishments == {SIRET: ("69", False)}
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
