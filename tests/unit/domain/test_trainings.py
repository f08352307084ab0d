"""Académie de l'IA: learners enrolled in trainings and completing them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid5

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.calendar import PARIS, date_in_france, today_in_france
from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.errors import (
    AlreadyExists,
    InvalidDate,
    InvalidRegion,
    InvalidSiren,
    InvalidTransition,
    InvalidValue,
    NotFound,
)
from osezia.domain.trainings.application import Trainings
from osezia.domain.trainings.model import Audience, Enrolment, EnrolmentStatus
from tests.unit.conftest import MEMORY

OPERATOR = "operator"
TODAY = date(2026, 3, 31)
ENROLLED = date(2025, 10, 6)


def trainings_app(companies: Companies | None = None) -> Trainings:
    return Trainings(env=MEMORY, share_with=companies, today=lambda: TODAY)


@pytest.fixture
def trainings(companies: Companies) -> Trainings:
    return trainings_app(companies)


def an_enrolment(
    trainings: Trainings,
    *,
    learner_ref: str = "LRN-000417",
    audience: str = "APPRENTICE",
    siren: str | None = "542107651",
    on: date = ENROLLED,
    tenant: str = OPERATOR,
) -> UUID:
    return trainings.enrol_learner(
        tenant,
        learner_ref=learner_ref,
        training_code="IA-PME-101",
        training_title="  L'IA générative  pour les PME ",
        audience=audience,
        region="53",
        siren=siren,
        on=on,
    )


def test_a_learner_is_enrolled_with_the_company_its_siren_names(trainings: Trainings) -> None:
    enrolment_id = an_enrolment(trainings)

    enrolment = trainings.get_enrolment(OPERATOR, enrolment_id)
    assert enrolment.id == Enrolment.create_id(OPERATOR, "LRN-000417", "IA-PME-101")
    assert enrolment.audience is Audience.APPRENTICE
    assert enrolment.training_title == "L'IA générative pour les PME"
    assert enrolment.company_id == Company.create_id("542107651")
    assert enrolment.company_siren == "542107651"
    assert enrolment.status is EnrolmentStatus.ENROLLED
    assert enrolment.enrolled_on == ENROLLED


def test_a_learner_may_be_enrolled_without_a_company(trainings: Trainings) -> None:
    enrolment = trainings.get_enrolment(OPERATOR, an_enrolment(trainings, siren=None))

    assert enrolment.company_id is None
    assert enrolment.company_siren is None


@pytest.mark.parametrize(
    ("french", "audience"),
    [
        ("salarié", Audience.EMPLOYEE),
        ("Dirigeant", Audience.LEADER),
        ("apprenti", Audience.APPRENTICE),
        ("demandeur d'emploi", Audience.JOB_SEEKER),
        ("job_seeker", Audience.JOB_SEEKER),
    ],
)
def test_an_audience_may_be_named_in_french_or_in_any_case(
    trainings: Trainings, french: str, audience: Audience
) -> None:
    enrolment_id = an_enrolment(trainings, audience=french)

    assert trainings.get_enrolment(OPERATOR, enrolment_id).audience is audience


def test_an_unknown_audience_is_refused_naming_the_allowed_ones(trainings: Trainings) -> None:
    with pytest.raises(InvalidValue, match="EMPLOYEE, LEADER, APPRENTICE, JOB_SEEKER"):
        an_enrolment(trainings, audience="student")


@pytest.mark.parametrize("ref", ["jean.dupont@example.fr", "Jean Dupont", "dupont", "", "x" * 65])
def test_a_learner_reference_that_could_be_a_name_or_an_email_is_refused(
    trainings: Trainings, ref: str
) -> None:
    with pytest.raises(InvalidValue, match="pseudonymous"):
        an_enrolment(trainings, learner_ref=ref)


def test_an_invalid_siren_or_region_is_refused(trainings: Trainings) -> None:
    with pytest.raises(InvalidSiren):
        an_enrolment(trainings, siren="542107652")
    with pytest.raises(InvalidRegion):
        trainings.enrol_learner(
            OPERATOR,
            learner_ref="LRN-1",
            training_code="IA-1",
            training_title="IA",
            audience="LEADER",
            region="99",
            on=ENROLLED,
        )


def test_an_enrolment_dated_in_the_future_is_refused(trainings: Trainings) -> None:
    with pytest.raises(InvalidDate, match="future"):
        an_enrolment(trainings, on=TODAY + timedelta(days=1))


def test_a_network_cannot_enrol_the_same_learner_twice_in_the_same_training(
    trainings: Trainings,
) -> None:
    an_enrolment(trainings)

    with pytest.raises(AlreadyExists):
        an_enrolment(trainings)


def test_two_networks_each_enrol_the_same_learner_ref_and_see_only_their_own(
    trainings: Trainings,
) -> None:
    french_tech = an_enrolment(trainings, tenant="french-tech")

    cci = an_enrolment(trainings, tenant="cci")

    assert cci != french_tech
    assert trainings.get_enrolment("cci", cci).tenant == "cci"
    assert trainings.get_enrolment("french-tech", french_tech).tenant == "french-tech"
    with pytest.raises(NotFound):
        trainings.get_enrolment("cci", french_tech)
    with pytest.raises(NotFound):
        trainings.get_enrolment("french-tech", cci)


def test_an_enrolment_sent_again_with_its_idempotency_key_appends_nothing(
    trainings: Trainings,
) -> None:
    def enrol() -> UUID:
        return trainings.enrol_learner(
            OPERATOR,
            learner_ref="LRN-9",
            training_code="IA-9",
            training_title="IA",
            audience="LEADER",
            region="11",
            on=ENROLLED,
            idempotency_key="k-1",
        )

    first = enrol()
    head = trainings.recorder.max_notification_id()

    assert enrol() == first
    assert trainings.recorder.max_notification_id() == head


def test_a_training_is_completed_once(trainings: Trainings) -> None:
    enrolment_id = an_enrolment(trainings)
    trainings.complete_training(OPERATOR, enrolment_id, on=date(2025, 11, 2))

    enrolment = trainings.get_enrolment(OPERATOR, enrolment_id)
    assert enrolment.status is EnrolmentStatus.COMPLETED
    assert enrolment.completed_on == date(2025, 11, 2)
    with pytest.raises(InvalidTransition, match="already completed"):
        trainings.complete_training(OPERATOR, enrolment_id, on=date(2025, 11, 3))


def test_a_completion_before_the_enrolment_or_in_the_future_is_refused(
    trainings: Trainings,
) -> None:
    enrolment_id = an_enrolment(trainings)

    with pytest.raises(InvalidDate, match="before the enrolment"):
        trainings.complete_training(OPERATOR, enrolment_id, on=ENROLLED - timedelta(days=1))
    with pytest.raises(InvalidDate, match="future"):
        trainings.complete_training(OPERATOR, enrolment_id, on=TODAY + timedelta(days=1))


def test_another_network_cannot_complete_an_enrolment_it_did_not_record(
    trainings: Trainings,
) -> None:
    enrolment_id = an_enrolment(trainings)

    with pytest.raises(NotFound):
        trainings.complete_training("cci", enrolment_id, on=date(2025, 11, 2))


@given(
    enrolled=st.dates(date(2025, 9, 1), TODAY),
    completed=st.dates(date(2025, 9, 1), TODAY + timedelta(days=30)),
)
def test_a_completion_is_recorded_only_between_its_enrolment_and_today(
    enrolled: date, completed: date
) -> None:
    trainings = trainings_app()
    enrolment_id = an_enrolment(trainings, on=enrolled)
    try:
        trainings.complete_training(OPERATOR, enrolment_id, on=completed)
    except InvalidDate:
        assert not enrolled <= completed <= TODAY
    else:
        assert enrolled <= completed <= TODAY
        replayed: Enrolment = trainings.repository.get(enrolment_id)
        assert replayed.completed_on == completed


@given(
    tenant=st.text(min_size=1, max_size=20),
    learner_ref=st.text(min_size=1, max_size=20),
    training_code=st.text(min_size=1, max_size=20),
)
def test_an_enrolment_id_is_keyed_and_its_earlier_id_the_uuid5_of_network_learner_and_training(
    tenant: str, learner_ref: str, training_code: str
) -> None:
    plain = uuid5(OSEZIA_NAMESPACE, f"training/{tenant}/{learner_ref}/{training_code}")

    assert Enrolment.legacy_id(tenant, learner_ref, training_code) == plain
    keyed = Enrolment.create_id(tenant, learner_ref, training_code)
    assert keyed != plain
    assert keyed.version == 8
    assert keyed == Enrolment.create_id(tenant, learner_ref, training_code)


# --- "Today" is the date in France, whatever the server's time zone ----------------------------


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        (datetime(2026, 11, 25, 23, 30, tzinfo=UTC), date(2026, 11, 26)),  # CET, UTC+1
        (datetime(2026, 11, 25, 22, 59, tzinfo=UTC), date(2026, 11, 25)),
        (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), date(2026, 7, 1)),  # CEST, UTC+2
        (datetime(2026, 6, 30, 21, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 11, 26, 0, 30, tzinfo=PARIS), date(2026, 11, 26)),
    ],
)
def test_the_date_of_an_instant_is_the_date_in_paris(instant: datetime, day: date) -> None:
    assert date_in_france(instant) == day


def test_a_time_without_a_zone_names_no_date() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        date_in_france(datetime(2026, 11, 25, 23, 30))


def test_a_completion_dated_today_in_france_is_taken_while_the_utc_date_is_still_yesterday(
    companies: Companies,
) -> None:
    late_evening_utc = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    trainings = Trainings(
        env=MEMORY, share_with=companies, today=lambda: date_in_france(late_evening_utc)
    )
    enrolment_id = an_enrolment(trainings)

    trainings.complete_training(OPERATOR, enrolment_id, on=date(2026, 11, 26))

    assert trainings.get_enrolment(OPERATOR, enrolment_id).completed_on == date(2026, 11, 26)


def test_the_academie_counts_days_in_france_unless_told_otherwise() -> None:
    assert Trainings(env=MEMORY).today is today_in_france
