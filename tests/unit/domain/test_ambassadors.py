"""Ambassadors: appointed with a scope, intervening before audiences, withdrawn."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from uuid import UUID

import pytest

from osezia.domain.ambassadors.application import Ambassadors
from osezia.domain.ambassadors.model import (
    Ambassador,
    AmbassadorKind,
    Intervention,
    InterventionFormat,
    Network,
    PlanKind,
    plan_kind,
)
from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    InvalidDate,
    InvalidRegion,
    InvalidTransition,
    InvalidValue,
    NotFound,
)
from tests.unit.conftest import MEMORY

CCI = "cci"
APPOINTED = date(2025, 9, 1)


@pytest.fixture
def ambassadors(companies: Companies) -> Ambassadors:
    return Ambassadors(env=MEMORY, share_with=companies)


def a_regional_ambassador(
    ambassadors: Ambassadors, tenant: str = CCI, idempotency_key: str | None = None
) -> UUID:
    return ambassadors.appoint_ambassador(
        tenant,
        idempotency_key=idempotency_key,
        full_name="Claire  Martin",
        kind="REGIONAL",
        network="CCI",
        region="53",
        sectors=["agriculture"],
        appointed_on=APPOINTED,
    )


def log_position(ambassadors: Ambassadors) -> int:
    return ambassadors.recorder.max_notification_id() or 0


def test_an_ambassador_is_appointed_with_a_kind_a_network_a_region_and_sectors(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = ambassadors.appoint_ambassador(
        CCI,
        full_name=" Claire   Martin ",
        kind="SECTORAL",
        network="FRANCE_NUM",
        region="1",
        sectors=["industrie", " transport ", "industrie"],
        appointed_on=APPOINTED,
    )

    ambassador = ambassadors.get_ambassador(CCI, ambassador_id)
    assert ambassador.full_name == "Claire Martin"
    assert ambassador.kind is AmbassadorKind.SECTORAL
    assert ambassador.network == "FRANCE_NUM"
    assert ambassador.region == "01"
    assert ambassador.sectors == ["industrie", "transport"]
    assert ambassador.appointed_on == APPOINTED
    assert ambassador.active


def test_a_grand_public_ambassador_needs_neither_region_nor_sector(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = ambassadors.appoint_ambassador(
        CCI,
        full_name="Maurice Lévy",
        kind="GRAND_PUBLIC",
        network="OTHER",
        appointed_on=APPOINTED,
    )

    ambassador = ambassadors.get_ambassador(CCI, ambassador_id)
    assert ambassador.region is None
    assert ambassador.sectors == []


def test_a_regional_ambassador_must_be_given_a_region(ambassadors: Ambassadors) -> None:
    with pytest.raises(InvalidRegion, match="REGIONAL"):
        ambassadors.appoint_ambassador(
            CCI, full_name="Claire Martin", kind="REGIONAL", network="CCI", appointed_on=APPOINTED
        )


def test_a_sectoral_ambassador_must_be_given_at_least_one_sector(
    ambassadors: Ambassadors,
) -> None:
    with pytest.raises(InvalidValue, match="SECTORAL"):
        ambassadors.appoint_ambassador(
            CCI,
            full_name="Claire Martin",
            kind="SECTORAL",
            network="CCI",
            region="53",
            appointed_on=APPOINTED,
        )


def test_an_unknown_region_is_refused(ambassadors: Ambassadors) -> None:
    with pytest.raises(InvalidRegion, match="'99'"):
        ambassadors.appoint_ambassador(
            CCI,
            full_name="Claire Martin",
            kind="REGIONAL",
            network="CCI",
            region="99",
            appointed_on=APPOINTED,
        )


@pytest.mark.parametrize(
    ("kind", "network", "allowed"),
    [
        ("LOCAL", "CCI", "'LOCAL' must be one of GRAND_PUBLIC, REGIONAL, SECTORAL"),
        ("GRAND_PUBLIC", "MEDEF", "'MEDEF' must be one of CCI, BPIFRANCE, FRENCH_TECH, FRANCE_NUM"),
    ],
)
def test_an_unknown_kind_or_network_is_refused_with_the_allowed_values(
    ambassadors: Ambassadors, kind: str, network: str, allowed: str
) -> None:
    with pytest.raises(InvalidValue, match=allowed):
        ambassadors.appoint_ambassador(
            CCI, full_name="Claire Martin", kind=kind, network=network, appointed_on=APPOINTED
        )


def test_an_ambassador_needs_a_name(ambassadors: Ambassadors) -> None:
    with pytest.raises(InvalidValue, match="full name"):
        ambassadors.appoint_ambassador(
            CCI, full_name="  ", kind="GRAND_PUBLIC", network="CCI", appointed_on=APPOINTED
        )


def test_interventions_are_recorded_with_their_date_audience_and_format(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    ambassadors.record_intervention(
        CCI, ambassador_id, on=date(2025, 10, 2), audience=120, format="CONFERENCE"
    )
    ambassadors.record_intervention(
        CCI, ambassador_id, on=date(2025, 10, 9), audience=15, format="WORKSHOP"
    )

    ambassador = ambassadors.get_ambassador(CCI, ambassador_id)
    assert ambassador.interventions == [
        Intervention(date(2025, 10, 2), 120, InterventionFormat.CONFERENCE),
        Intervention(date(2025, 10, 9), 15, InterventionFormat.WORKSHOP),
    ]
    assert ambassador.total_audience == 135


def test_an_intervention_cannot_be_dated_before_the_appointment(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    with pytest.raises(InvalidDate, match="2025-08-31"):
        ambassadors.record_intervention(
            CCI, ambassador_id, on=date(2025, 8, 31), audience=10, format="WEBINAR"
        )


def test_an_intervention_needs_an_audience_of_at_least_one_person(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    with pytest.raises(InvalidValue, match="audience size 0"):
        ambassadors.record_intervention(
            CCI, ambassador_id, on=APPOINTED, audience=0, format="WEBINAR"
        )


def test_an_unknown_intervention_format_is_refused(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    with pytest.raises(InvalidValue, match="'PODCAST' must be one of"):
        ambassadors.record_intervention(
            CCI, ambassador_id, on=APPOINTED, audience=10, format="PODCAST"
        )


def test_a_withdrawn_ambassador_records_no_intervention(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)
    ambassadors.withdraw_ambassador(CCI, ambassador_id, reason="new job", on=date(2025, 12, 1))

    with pytest.raises(InvalidTransition, match="withdrawn on 2025-12-01"):
        ambassadors.record_intervention(
            CCI, ambassador_id, on=date(2025, 12, 2), audience=10, format="MEDIA"
        )


def test_an_ambassador_is_withdrawn_with_a_reason_and_a_date(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    ambassadors.withdraw_ambassador(CCI, ambassador_id, reason="new job", on=date(2025, 12, 1))

    ambassador = ambassadors.get_ambassador(CCI, ambassador_id)
    assert not ambassador.active
    assert ambassador.withdrawn_on == date(2025, 12, 1)
    assert ambassador.withdrawal_reason == "new job"


def test_an_ambassador_cannot_be_withdrawn_twice(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)
    ambassadors.withdraw_ambassador(CCI, ambassador_id, reason="new job", on=date(2025, 12, 1))

    with pytest.raises(InvalidTransition, match="withdrawn"):
        ambassadors.withdraw_ambassador(CCI, ambassador_id, reason="again", on=date(2026, 1, 1))


def test_a_withdrawal_cannot_be_dated_before_the_appointment(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    with pytest.raises(InvalidDate, match="before the appointment"):
        ambassadors.withdraw_ambassador(CCI, ambassador_id, reason="x", on=date(2025, 8, 1))


def test_a_withdrawal_cannot_be_dated_before_the_last_intervention(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)
    ambassadors.record_intervention(
        CCI, ambassador_id, on=date(2025, 11, 20), audience=40, format="MEETUP"
    )

    with pytest.raises(InvalidDate, match="last intervention"):
        ambassadors.withdraw_ambassador(CCI, ambassador_id, reason="x", on=date(2025, 11, 1))


def test_a_withdrawal_needs_a_reason(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)

    with pytest.raises(InvalidValue, match="reason"):
        ambassadors.withdraw_ambassador(CCI, ambassador_id, reason=" ", on=date(2025, 12, 1))


def test_another_tenants_ambassador_is_not_found(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors, tenant=CCI)

    with pytest.raises(NotFound):
        ambassadors.get_ambassador("bpifrance", ambassador_id)
    with pytest.raises(NotFound):
        ambassadors.record_intervention(
            "bpifrance", ambassador_id, on=APPOINTED, audience=10, format="MEDIA"
        )


def test_the_same_appointment_sent_twice_with_one_key_appoints_once(
    ambassadors: Ambassadors,
) -> None:
    first = a_regional_ambassador(ambassadors, idempotency_key="appoint-claire")
    position = log_position(ambassadors)

    second = a_regional_ambassador(ambassadors, idempotency_key="appoint-claire")

    assert second == first
    assert log_position(ambassadors) == position


def test_the_same_intervention_sent_twice_with_one_key_is_recorded_once(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)
    for _ in range(2):
        ambassadors.record_intervention(
            CCI, ambassador_id, on=APPOINTED, audience=30, format="WEBINAR", idempotency_key="i-1"
        )

    assert len(ambassadors.get_ambassador(CCI, ambassador_id).interventions) == 1


def test_a_refused_intervention_appends_nothing(ambassadors: Ambassadors) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)
    position = log_position(ambassadors)

    with pytest.raises(InvalidValue):
        ambassadors.record_intervention(
            CCI, ambassador_id, on=APPOINTED, audience=-3, format="WEBINAR", idempotency_key="k"
        )

    assert log_position(ambassadors) == position
    assert ambassadors.get_ambassador(CCI, ambassador_id).interventions == []


def test_an_ambassador_replayed_from_the_store_is_the_ambassador_that_was_saved(
    ambassadors: Ambassadors,
) -> None:
    ambassador = Ambassador.appoint(
        tenant=CCI,
        full_name="Claire Martin",
        kind=AmbassadorKind.SECTORAL,
        network=Network.FRENCH_TECH,
        region=None,
        sectors=["santé", "énergie"],
        appointed_on=APPOINTED,
    )
    ambassador.record_intervention(date(2025, 10, 2), 120, InterventionFormat.CONFERENCE)
    ambassador.withdraw("new job", date(2025, 12, 1))
    ambassadors.save(ambassador)

    replayed = ambassadors.get_ambassador(CCI, ambassador.id)

    assert vars(replayed) == vars(ambassador)


# --- the plan's two kinds, and who the ambassador is ---------------------------------------------


@pytest.mark.parametrize(
    ("kind", "profile", "plan"),
    [
        ("GRAND_PUBLIC", "ATHLETE", PlanKind.GRAND_PUBLIC),
        ("GRAND_PUBLIC", "ARTIST", PlanKind.GRAND_PUBLIC),
        ("REGIONAL", "SOUS_PREFET_REFERENT", PlanKind.REGIONAL_AND_SECTORAL),
        ("SECTORAL", "EXPERT", PlanKind.REGIONAL_AND_SECTORAL),
    ],
)
def test_an_ambassador_is_of_one_of_the_plans_two_kinds_with_a_profile(
    ambassadors: Ambassadors, kind: str, profile: str, plan: PlanKind
) -> None:
    ambassador_id = ambassadors.appoint_ambassador(
        CCI,
        full_name="Marie Curie",
        kind=kind,
        network="CCI",
        region="53",
        sectors=["industrie"],
        appointed_on=APPOINTED,
        profile=profile,
    )

    ambassador = ambassadors.get_ambassador(CCI, ambassador_id)
    assert (ambassador.profile, plan_kind(ambassador.kind)) == (profile, plan)


@pytest.mark.parametrize(("kind", "profile"), [("REGIONAL", "ATHLETE"), ("GRAND_PUBLIC", "EXPERT")])
def test_a_profile_of_the_other_kind_is_refused(
    ambassadors: Ambassadors, kind: str, profile: str
) -> None:
    before = log_position(ambassadors)

    with pytest.raises(InvalidValue, match=f"profile {profile} is not one of a {kind}"):
        ambassadors.appoint_ambassador(
            CCI,
            full_name="Marie Curie",
            kind=kind,
            network="CCI",
            region="53",
            appointed_on=APPOINTED,
            profile=profile,
        )

    assert log_position(ambassadors) == before


def test_an_appointment_stored_before_profiles_reads_as_without_one(
    ambassadors: Ambassadors,
) -> None:
    ambassador_id = a_regional_ambassador(ambassadors)
    (stored,) = [
        s
        for s in ambassadors.recorder.select_events(ambassador_id)
        if s.topic.endswith(".Appointed")
    ]
    state = json.loads(stored.state)
    del state["profile"]
    del state["class_version"]

    event = ambassadors.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))

    assert isinstance(event, Ambassador.Appointed)
    assert event.profile is None
