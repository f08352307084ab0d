"""Who sees which registration to an event: the organiser every one, the registering network
its own, anyone else none (they see the counts), whatever its profile lets it see otherwise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from osezia.tenants.profiles import DEFAULT_TENANTS, KINDS, Profile
from osezia.tenants.visibility import PLATFORM_VIEWER, Viewer

SLUGS = st.sampled_from([*DEFAULT_TENANTS, "region-bretagne"])
PROFILES = st.builds(
    Profile,
    commands=st.just(frozenset()),
    sees_all=st.frozensets(st.sampled_from(KINDS)),
    region=st.sampled_from([None, "53", "84"]),
)


@given(viewer=SLUGS, profile=PROFILES, organiser=SLUGS, registrant=SLUGS)
def test_a_registration_is_seen_by_its_organiser_and_its_registrant_only(
    viewer: str, profile: Profile, organiser: str, registrant: str
) -> None:
    sees = Viewer(viewer, profile).sees_registration(organiser, registrant)

    assert sees == (viewer in (organiser, registrant))


@given(profile=PROFILES, organiser=SLUGS, registrant=SLUGS)
def test_the_organiser_sees_every_registration_and_the_registrant_its_own(
    profile: Profile, organiser: str, registrant: str
) -> None:
    assert Viewer(organiser, profile).sees_registration(organiser, registrant)
    assert Viewer(registrant, profile).sees_registration(organiser, registrant)


@given(organiser=SLUGS, registrant=SLUGS)
def test_the_operator_which_sees_every_record_sees_only_the_counts_of_others_registrations(
    organiser: str, registrant: str
) -> None:
    operator = Viewer("operator", DEFAULT_TENANTS["operator"][1])

    assert operator.sees_registration(organiser, registrant) == (
        "operator" in (organiser, registrant)
    )


@given(organiser=SLUGS, registrant=SLUGS)
def test_the_platforms_own_model_sees_every_registration(organiser: str, registrant: str) -> None:
    assert PLATFORM_VIEWER.sees_registration(organiser, registrant)


REGIONS = st.sampled_from([None, "53", "84", "11"])


@given(viewer=SLUGS, profile=PROFILES, owner=SLUGS, region=REGIONS, others=st.frozensets(SLUGS))
def test_a_network_sees_the_company_of_its_own_records_whoever_registered_it_and_wherever(
    viewer: str, profile: Profile, owner: str, region: str | None, others: frozenset[str]
) -> None:
    assert Viewer(viewer, profile).sees_company(owner, region, {viewer, *others})


@given(viewer=SLUGS, profile=PROFILES, owner=SLUGS, region=REGIONS, others=st.frozensets(SLUGS))
def test_others_records_about_a_company_show_it_to_nobody_who_would_not_see_it_anyway(
    viewer: str, profile: Profile, owner: str, region: str | None, others: frozenset[str]
) -> None:
    record_owners = others - {viewer}

    assert Viewer(viewer, profile).sees_company(owner, region, record_owners) == Viewer(
        viewer, profile
    ).sees("company", owner, region)
