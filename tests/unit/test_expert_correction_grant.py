"""A network registered before experts could be corrected, and that assigns them, is granted to
correct them once, by `osezia migrate`; a network that assigns none is not."""

from __future__ import annotations

from osezia.domain.companies.application import Companies
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.unit.conftest import MEMORY

COMMAND = "correct_diagnostic_expert"


def registered_without_the_command(tenants: Tenants, slug: str) -> Profile:
    name, profile = DEFAULT_TENANTS[slug]
    older = Profile(commands=profile.commands - {COMMAND}, roles=profile.roles)
    tenants.register_tenant(slug, name=name, profile=older)
    return older


def test_the_network_that_assigns_experts_is_granted_to_correct_them_once(
    companies: Companies,
) -> None:
    tenants = Tenants(env=MEMORY, share_with=companies)
    bpifrance = registered_without_the_command(tenants, "bpifrance")
    cci = registered_without_the_command(tenants, "cci")
    assert "assign_expert" in bpifrance.commands
    assert "assign_expert" not in cci.commands

    first, second = tenants.grant_new_commands(), tenants.grant_new_commands()

    assert COMMAND in first["bpifrance"]
    assert COMMAND not in first.get("cci", [])
    assert second == {}
    granted = Profile.from_data(tenants.get_tenant("bpifrance").profile)
    # The scope of assigning one: an officer may, an analyst may not.
    assert granted.may("officer", COMMAND)
    assert not granted.may("analyst", COMMAND)
