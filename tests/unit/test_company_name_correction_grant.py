"""A network registered before companies' names could be corrected, and that registers
companies, is granted to correct them once, by `osezia migrate`; a network that registers none
is not."""

from __future__ import annotations

from osezia.domain.companies.application import Companies
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.unit.conftest import MEMORY

COMMAND = "correct_company_name"


def registered_without_the_command(tenants: Tenants, slug: str) -> Profile:
    name, profile = DEFAULT_TENANTS[slug]
    older = Profile(commands=profile.commands - {COMMAND}, roles=profile.roles)
    tenants.register_tenant(slug, name=name, profile=older)
    return older


def test_a_network_that_registers_companies_is_granted_to_correct_their_names_once(
    companies: Companies,
) -> None:
    tenants = Tenants(env=MEMORY, share_with=companies)
    cci = registered_without_the_command(tenants, "cci")
    operator = registered_without_the_command(tenants, "operator")
    assert "register_company" in cci.commands
    assert "register_company" not in operator.commands

    first, second = tenants.grant_new_commands(), tenants.grant_new_commands()

    assert COMMAND in first["cci"]
    assert COMMAND not in first.get("operator", [])
    assert second == {}
    granted = Profile.from_data(tenants.get_tenant("cci").profile)
    # The scope of registering one: an officer may, an analyst may not.
    assert granted.may("officer", COMMAND)
    assert not granted.may("analyst", COMMAND)
