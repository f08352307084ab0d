"""The pilot rule is profile data only: the piloting network's entry says what it pilots, and
the domain's applications learn it from the tenants through Networks.pilot, not a literal."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from osezia.domain.acceleration.application import Acceleration
from osezia.domain.acceleration.model import AccelerationRules
from osezia.domain.application import PlatformApplication
from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.rules import DiagnosticRules
from osezia.domain.errors import Forbidden
from osezia.domain.loans.model import LoanRules
from osezia.tenants.networks import NETWORKS, RegisteredNetworks
from osezia.tenants.profiles import DEFAULT_TENANTS, KINDS, PILOTS, pilot_of
from tests.unit.conftest import MEMORY

STARTS = date(2026, 1, 15)


class PilotedBy(RegisteredNetworks):
    """The registered networks, but with another network piloting every record kind."""

    def __init__(self, slug: str) -> None:
        self.slug = slug

    def pilot(self, kind: str) -> str:
        return self.slug


def test_the_piloting_network_says_what_it_pilots() -> None:
    assert {kind: pilot_of(kind) for kind in ("diagnostic", "loan", "cohort")} == {
        "diagnostic": "bpifrance",
        "loan": "bpifrance",
        "cohort": "bpifrance",
    }
    for slug, kinds in PILOTS.items():
        assert slug in DEFAULT_TENANTS
        assert kinds <= set(KINDS)
        # A pilot acts on every record of the kinds it pilots, so it sees them all.
        assert kinds <= DEFAULT_TENANTS[slug][1].sees_all


def test_a_kind_nobody_pilots_is_an_error() -> None:
    with pytest.raises(LookupError):
        pilot_of("partnership")


def test_no_rules_class_names_a_pilot_of_its_own() -> None:
    for rules in (DiagnosticRules, LoanRules, AccelerationRules):
        (pilot,) = (field for field in fields(rules) if field.name == "pilot")
        assert pilot.default is None, rules


def test_the_domain_asks_the_networks_for_the_pilot() -> None:
    app = PlatformApplication(MEMORY, networks=NETWORKS)
    assert app.pilot("loan") == "bpifrance"
    assert app.pilot("loan", "cci") == "cci"  # rules that name one keep it
    assert PlatformApplication(MEMORY, networks=PilotedBy("cci")).pilot("loan") == "cci"


def test_the_pilot_the_networks_name_opens_cohorts() -> None:
    companies = Companies(env=MEMORY, networks=PilotedBy("cci"))
    acceleration = Acceleration(env=MEMORY, share_with=companies)

    cohort_id = acceleration.open_cohort("cci", name="Cohorte", starts_on=STARTS)

    assert acceleration.get_cohort("cci", cohort_id).name == "Cohorte"
    with pytest.raises(Forbidden, match="only cci"):
        acceleration.open_cohort("bpifrance", name="Cohorte", starts_on=STARTS)
