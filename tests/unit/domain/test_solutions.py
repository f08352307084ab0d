"""The solutions catalogue: providers listed once by SIREN, solutions by use-case category,
withdrawals, and adoptions that move the company to ADOPTED in the same save."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.errors import (
    AlreadyExists,
    InvalidDate,
    InvalidSiren,
    InvalidTransition,
    InvalidValue,
    NotFound,
)
from osezia.domain.sizes import SizeFacts
from osezia.domain.solutions.application import Solutions
from osezia.domain.solutions.model import SolutionStatus, Sovereignty
from osezia.domain.solutions.usecases import FRENCH_LABELS, UseCaseCategory
from tests.unit.conftest import MEMORY

CCI = "cci"
PROVIDER_SIREN = "732829320"
ADOPTED_ON = date(2026, 3, 2)


@pytest.fixture
def solutions(companies: Companies) -> Solutions:
    return Solutions(env=MEMORY, share_with=companies)


@pytest.fixture
def company(companies: Companies) -> UUID:
    return companies.register_company(
        CCI,
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="52",
        departement="44",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )


@pytest.fixture
def provider(solutions: Solutions) -> UUID:
    return solutions.list_provider(
        "bpifrance", siren="732 829 320", name="  Assistants  Français ", sovereignty="FR"
    )


def a_solution(solutions: Solutions, provider: UUID, *categories: str) -> UUID:
    return solutions.list_solution(
        CCI,
        provider_id=provider,
        name="Agent de support",
        description="Répond aux clients jour et nuit",
        categories=list(categories) or ["CUSTOMER_SERVICE"],
    )


def log_position(solutions: Solutions) -> int:
    return solutions.recorder.max_notification_id() or 0


def test_a_provider_is_listed_once_under_the_id_of_its_siren(
    solutions: Solutions, provider: UUID
) -> None:
    listed = solutions.get_provider(provider)

    assert provider == solutions.provider_id_for(PROVIDER_SIREN)
    assert (listed.siren, listed.name, listed.tenant) == (
        PROVIDER_SIREN,
        "Assistants Français",
        "bpifrance",
    )
    assert listed.sovereignty is Sovereignty.FR


def test_a_provider_listed_twice_is_refused_whichever_network_lists_it(
    solutions: Solutions, provider: UUID
) -> None:
    before = log_position(solutions)

    with pytest.raises(AlreadyExists, match=PROVIDER_SIREN):
        solutions.list_provider(CCI, siren=PROVIDER_SIREN, name="Autre nom", sovereignty="EU")
    assert log_position(solutions) == before


def test_a_provider_needs_a_valid_siren(solutions: Solutions) -> None:
    with pytest.raises(InvalidSiren, match="Luhn"):
        solutions.list_provider(CCI, siren="732829321", name="Fautif", sovereignty="FR")


def test_a_provider_declares_fr_eu_or_other(solutions: Solutions) -> None:
    with pytest.raises(InvalidValue, match="FR, EU, OTHER"):
        solutions.list_provider(CCI, siren=PROVIDER_SIREN, name="Ailleurs", sovereignty="US")


@pytest.mark.parametrize(
    ("sovereignty", "sovereign"), [("FR", True), ("EU", True), ("OTHER", False)]
)
def test_a_solution_carries_its_providers_name_and_sovereignty(
    solutions: Solutions, sovereignty: str, sovereign: bool
) -> None:
    provider = solutions.list_provider(
        CCI, siren=PROVIDER_SIREN, name="Fournisseur", sovereignty=sovereignty
    )

    solution = solutions.get_solution(a_solution(solutions, provider, "HR", "FORECASTING"))

    assert (solution.provider_id, solution.provider_name) == (provider, "Fournisseur")
    assert solution.provider_siren == PROVIDER_SIREN
    assert solution.sovereignty is Sovereignty(sovereignty)
    assert solution.sovereign is sovereign
    assert solution.categories == [UseCaseCategory.HR, UseCaseCategory.FORECASTING]
    assert solution.turnkey is True
    assert solution.status is SolutionStatus.ACTIVE


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ([], "at least one"),
        (["CUSTOMER_SERVICE", "TELEPATHY"], "TELEPATHY"),
        (["HR", "HR"], "HR repeated"),
    ],
)
def test_a_solution_serves_known_categories_each_once(
    solutions: Solutions, provider: UUID, categories: list[str], message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        solutions.list_solution(
            CCI, provider_id=provider, name="n", description="d", categories=categories
        )


def test_a_solution_needs_a_listed_provider(solutions: Solutions) -> None:
    stranger = uuid4()

    with pytest.raises(NotFound, match=str(stranger)):
        a_solution(solutions, stranger)


def test_every_use_case_category_has_a_french_label() -> None:
    assert set(FRENCH_LABELS) == set(UseCaseCategory)
    assert UseCaseCategory.PREDICTIVE_MAINTENANCE.label_fr == "Maintenance prédictive"


def test_a_solution_is_withdrawn_once_with_a_reason(solutions: Solutions, provider: UUID) -> None:
    solution_id = a_solution(solutions, provider)

    solutions.withdraw_solution(CCI, solution_id, reason="  offre  arrêtée ")

    solution = solutions.get_solution(solution_id)
    assert solution.status is SolutionStatus.WITHDRAWN
    assert solution.withdrawal_reason == "offre arrêtée"
    with pytest.raises(InvalidTransition, match="withdrawn"):
        solutions.withdraw_solution(CCI, solution_id, reason="encore")


def test_only_the_listing_network_withdraws_a_solution(
    solutions: Solutions, provider: UUID
) -> None:
    solution_id = a_solution(solutions, provider)

    with pytest.raises(NotFound):
        solutions.withdraw_solution("french-tech", solution_id, reason="pas à nous")


def test_an_adoption_moves_the_company_to_adopted_in_the_same_save(
    solutions: Solutions, companies: Companies, provider: UUID, company: UUID
) -> None:
    solution_id = a_solution(solutions, provider)
    before = log_position(solutions)

    adoption_id = solutions.record_adoption(
        CCI, company_id=company, solution_id=solution_id, on=ADOPTED_ON
    )

    adoption = solutions.get_adoption(CCI, adoption_id)
    assert (adoption.company_id, adoption.solution_id, adoption.on) == (
        company,
        solution_id,
        ADOPTED_ON,
    )
    assert (adoption.company_siren, adoption.region) == ("542107651", "52")
    assert adoption.sovereignty is Sovereignty.FR
    assert adoption.categories == ["CUSTOMER_SERVICE"]
    stored = companies.get_company(CCI, company).records[CCI]
    assert stored.adoption_stage is AdoptionStage.ADOPTED
    assert stored.adoption_history == [("ADOPTED", ADOPTED_ON)]
    assert log_position(solutions) == before + 2  # the adoption and the stage, together


def test_an_adoption_is_recorded_once(solutions: Solutions, provider: UUID, company: UUID) -> None:
    solution_id = a_solution(solutions, provider)
    solutions.record_adoption(CCI, company_id=company, solution_id=solution_id, on=ADOPTED_ON)
    before = log_position(solutions)

    with pytest.raises(AlreadyExists, match="already adopted"):
        solutions.record_adoption(
            CCI, company_id=company, solution_id=solution_id, on=date(2026, 4, 1)
        )
    assert log_position(solutions) == before


def test_a_second_solution_leaves_an_adopted_company_where_it_is(
    solutions: Solutions, companies: Companies, provider: UUID, company: UUID
) -> None:
    first, second = a_solution(solutions, provider), a_solution(solutions, provider, "HR")
    solutions.record_adoption(CCI, company_id=company, solution_id=first, on=ADOPTED_ON)

    solutions.record_adoption(CCI, company_id=company, solution_id=second, on=date(2026, 1, 5))

    stored = companies.get_company(CCI, company).records[CCI]
    assert stored.adoption_history == [("ADOPTED", ADOPTED_ON)]


def test_an_adoption_moves_only_the_adopting_networks_record(
    solutions: Solutions, companies: Companies, provider: UUID, company: UUID
) -> None:
    companies.register_company(
        "french-tech",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="52",
        departement="44",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )

    solutions.record_adoption(
        "french-tech",
        company_id=company,
        solution_id=a_solution(solutions, provider),
        on=ADOPTED_ON,
    )

    records = companies.get_company(CCI, company).records
    assert records["french-tech"].adoption_stage is AdoptionStage.ADOPTED
    assert records[CCI].adoption_stage is AdoptionStage.NONE


def test_a_withdrawn_solution_cannot_be_adopted(
    solutions: Solutions, companies: Companies, provider: UUID, company: UUID
) -> None:
    solution_id = a_solution(solutions, provider)
    solutions.withdraw_solution(CCI, solution_id, reason="offre arrêtée")
    before = log_position(solutions)

    with pytest.raises(InvalidTransition, match="cannot adopt"):
        solutions.record_adoption(CCI, company_id=company, solution_id=solution_id, on=ADOPTED_ON)
    assert log_position(solutions) == before
    assert companies.get_company(CCI, company).records[CCI].adoption_stage is AdoptionStage.NONE


def test_an_adoption_dated_before_the_companys_last_stage_is_refused_whole(
    solutions: Solutions, companies: Companies, provider: UUID, company: UUID
) -> None:
    solution_id = a_solution(solutions, provider)
    companies.advance_adoption(CCI, company, stage="PILOTING", on=ADOPTED_ON)
    before = log_position(solutions)

    with pytest.raises(InvalidDate, match="before the previous one"):
        solutions.record_adoption(
            CCI, company_id=company, solution_id=solution_id, on=date(2026, 1, 1)
        )
    assert log_position(solutions) == before


def test_a_network_records_adoptions_only_for_its_own_companies(
    solutions: Solutions, provider: UUID, company: UUID
) -> None:
    solution_id = a_solution(solutions, provider)

    with pytest.raises(NotFound, match="company"):
        solutions.record_adoption(
            "french-tech", company_id=company, solution_id=solution_id, on=ADOPTED_ON
        )


def test_an_adoption_needs_a_listed_solution(solutions: Solutions, company: UUID) -> None:
    stranger = uuid4()

    with pytest.raises(NotFound, match=str(stranger)):
        solutions.record_adoption(CCI, company_id=company, solution_id=stranger, on=ADOPTED_ON)


def test_an_adoption_is_dated_with_a_calendar_date(
    solutions: Solutions, provider: UUID, company: UUID
) -> None:
    solution_id = a_solution(solutions, provider)

    with pytest.raises(InvalidDate, match="calendar date"):
        solutions.record_adoption(
            CCI, company_id=company, solution_id=solution_id, on=datetime(2026, 3, 2, 10)
        )
