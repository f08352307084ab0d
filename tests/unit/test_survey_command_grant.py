"""The operator registered before survey measurements existed is granted to record them once,
by `osezia migrate`; no other network is."""

from __future__ import annotations

from osezia.domain.companies.application import Companies
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.unit.conftest import MEMORY

COMMAND = "record_survey_measurement"


def registered_without_the_command(tenants: Tenants, slug: str) -> Profile:
    name, profile = DEFAULT_TENANTS[slug]
    older = Profile(commands=profile.commands - {COMMAND}, roles=profile.roles)
    tenants.register_tenant(slug, name=name, profile=older)
    return older


def test_the_operator_registered_before_is_granted_to_record_measurements(
    companies: Companies,
) -> None:
    tenants = Tenants(env=MEMORY, share_with=companies)
    registered_without_the_command(tenants, "operator")
    registered_without_the_command(tenants, "bpifrance")

    granted = tenants.grant_new_commands()

    assert granted == {"operator": [COMMAND]}
    operator = Profile.from_data(tenants.get_tenant("operator").profile)
    assert operator.may("manager", COMMAND)
    assert not operator.may("officer", COMMAND)
