"""Bpifrance pilots the diagnostics for the State: it acts on every network's diagnostics."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.diagnostics.rules import DiagnosticRules
from osezia.domain.errors import NotFound
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY


@pytest.fixture
def requested_by_cci(companies: Companies) -> tuple[Diagnostics, UUID]:
    diagnostics = Diagnostics(env=MEMORY, share_with=companies)
    company_id = companies.register_company(
        "cci",
        siren="552100018",
        legal_name="Menuiserie Lorraine",
        region="44",
        departement="54",
        naf="16.23Z",
        size=SizeFacts(headcount_uta=Decimal(40)),
    )
    return diagnostics, diagnostics.request_diagnostic("cci", company_id=company_id)


def test_the_pilot_network_acts_on_a_diagnostic_another_network_requested(
    requested_by_cci: tuple[Diagnostics, UUID],
) -> None:
    diagnostics, diagnostic_id = requested_by_cci

    diagnostics.check_eligibility("bpifrance", diagnostic_id)
    diagnostics.assign_expert("bpifrance", diagnostic_id, expert="Cabinet Data Est")

    diagnostic = diagnostics.get_diagnostic("cci", diagnostic_id)
    assert diagnostic.expert == "Cabinet Data Est"
    assert diagnostic.tenant == "cci"


def test_a_network_that_is_neither_owner_nor_pilot_gets_not_found(
    requested_by_cci: tuple[Diagnostics, UUID],
) -> None:
    diagnostics, diagnostic_id = requested_by_cci

    with pytest.raises(NotFound):
        diagnostics.assign_expert("french-tech", diagnostic_id, expert="Someone")


def test_the_pilot_is_configuration(companies: Companies) -> None:
    diagnostics = Diagnostics(env=MEMORY, share_with=companies, rules=DiagnosticRules(pilot="x"))
    company_id = companies.register_company(
        "cci",
        siren="552100026",
        legal_name="Petite Scierie",
        region="44",
        departement="88",
        naf="16.10A",
        size=SizeFacts(headcount_uta=Decimal(30)),
    )
    diagnostic_id = diagnostics.request_diagnostic("cci", company_id=company_id)

    with pytest.raises(NotFound):
        diagnostics.assign_expert("bpifrance", diagnostic_id, expert="Cabinet")
    diagnostics.check_eligibility("x", diagnostic_id)
    assert diagnostics.get_diagnostic("cci", diagnostic_id).eligible is True
