"""A release that splits a command off another grants it, once, to the networks whose stored
profile has the older one: profiles are data, and a new command would otherwise reach none."""

from __future__ import annotations

from osezia.domain.companies.application import Companies
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, SUCCESSORS, Profile
from tests.unit.conftest import MEMORY


def a_profile_from_before(tenants: Tenants, slug: str) -> Profile:
    """The network's default profile as a release before the successors stored it."""
    name, profile = DEFAULT_TENANTS[slug]
    older = Profile(commands=profile.commands - set(SUCCESSORS), roles=profile.roles)
    tenants.register_tenant(slug, name=name, profile=older)
    return older


def commands_of(tenants: Tenants, slug: str) -> frozenset[str]:
    return Profile.from_data(tenants.get_tenant(slug).profile).commands


def test_a_network_that_records_attendance_is_granted_to_hold_the_event_once(
    companies: Companies,
) -> None:
    tenants = Tenants(env=MEMORY, share_with=companies)
    older = a_profile_from_before(tenants, "cci")
    assert "record_attendance" in older.commands

    first = tenants.grant_new_commands()
    second = tenants.grant_new_commands()

    # Correcting an ambassador's name came, the same way, with appointing one, and recording a
    # company's catégorie juridique or correcting its name with registering it.
    new = [
        "correct_ambassador_name",
        "correct_company_name",
        "hold_event",
        "record_legal_category",
    ]
    assert first == {"cci": new}
    assert second == {}
    assert commands_of(tenants, "cci") == older.commands | set(new)


def test_a_command_an_administrator_removed_is_not_granted_again(companies: Companies) -> None:
    tenants = Tenants(env=MEMORY, share_with=companies)
    older = a_profile_from_before(tenants, "cci")
    tenants.grant_new_commands()
    tenants.change_profile("cci", older)

    assert tenants.grant_new_commands() == {}
    assert "hold_event" not in commands_of(tenants, "cci")


def test_a_network_without_the_older_command_is_granted_nothing(companies: Companies) -> None:
    tenants = Tenants(env=MEMORY, share_with=companies)
    _, cci = DEFAULT_TENANTS["cci"]
    readers = Profile(commands=frozenset({"reassess_size"}), roles=cci.roles)
    tenants.register_tenant("cma", name="CMA France", profile=readers)

    assert tenants.grant_new_commands() == {}
    assert commands_of(tenants, "cma") == {"reassess_size"}
