"""Survey measurements: recorded by the operator alone, a share in basis points of a year that
has begun, published at an https address; recording the same one again corrects it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.errors import DomainError, Forbidden, InvalidDate, InvalidValue
from osezia.domain.sizes import Segment
from osezia.domain.surveys.application import Surveys
from osezia.domain.surveys.model import FIRST_YEAR, WHOLE, Measurement
from tests.unit.conftest import MEMORY

OPERATOR = "operator"
TODAY = date(2026, 3, 2)
INSEE = "https://www.bfmtv.com/economie/entreprises/10-des-entreprises-francaises-utilisent-l-ia-moins-que-dans-le-reste-de-l-europe_AD-202507010689.html"
TIC_2024: dict[str, Any] = {
    "survey": "INSEE_TIC",
    "measures": "share of companies using at least one AI technology",
    "population": "companies with 10 persons or more",
    "year": 2024,
    "value_basis_points": 1000,
    "source_url": INSEE,
}


@pytest.fixture
def surveys() -> Surveys:
    return Surveys(env=MEMORY, today=lambda: TODAY)


def log_position(surveys: Surveys) -> int:
    return surveys.recorder.max_notification_id() or 0


def record(surveys: Surveys, tenant: str = OPERATOR, **changes: Any) -> Measurement:
    measurement_id = surveys.record_survey_measurement(tenant, **(TIC_2024 | changes))
    return surveys.repository.get(measurement_id)


def test_the_operator_records_a_measurement_with_its_label_and_source(surveys: Surveys) -> None:
    measurement = record(surveys, segment="PME_ETI")

    assert measurement.tenant == OPERATOR
    assert measurement.year == 2024
    assert measurement.population == "companies with 10 persons or more"
    assert measurement.figure.value_basis_points == 1000
    assert measurement.figure.source_url == INSEE
    assert measurement.figure.segment is Segment.PME_ETI


def test_no_network_but_the_operator_records_a_measurement(surveys: Surveys) -> None:
    before = log_position(surveys)

    with pytest.raises(Forbidden):
        record(surveys, tenant="bpifrance")

    assert log_position(surveys) == before


def test_recording_the_same_measurement_again_corrects_it(surveys: Surveys) -> None:
    first = record(surveys, value_basis_points=100)

    corrected = record(
        surveys,
        value_basis_points=1000,
        measures="  Share of companies using at least one AI  technology",
    )

    assert corrected.id == first.id
    assert corrected.figure.value_basis_points == 1000
    assert corrected.version == 2


def test_recording_the_same_figure_again_appends_nothing(surveys: Surveys) -> None:
    record(surveys)
    before = log_position(surveys)

    again = record(surveys)

    assert again.version == 1
    assert log_position(surveys) == before


def test_another_year_is_another_measurement(surveys: Surveys) -> None:
    year_2024 = record(surveys)
    year_2023 = record(surveys, year=2023, value_basis_points=600)

    assert year_2023.id != year_2024.id
    assert record(surveys).figure.value_basis_points == 1000


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"value_basis_points": WHOLE + 1}, InvalidValue),
        ({"value_basis_points": -1}, InvalidValue),
        ({"value_basis_points": True}, InvalidValue),
        ({"year": TODAY.year + 1}, InvalidDate),
        ({"year": FIRST_YEAR - 1}, InvalidDate),
        ({"source_url": "http://www.insee.fr/tic"}, InvalidValue),
        ({"source_url": "https://"}, InvalidValue),
        ({"source_url": ""}, InvalidValue),
        ({"survey": "EUROSTAT"}, InvalidValue),
        ({"segment": "MICRO"}, InvalidValue),
        ({"measures": "  "}, InvalidValue),
        ({"population": ""}, InvalidValue),
    ],
)
def test_a_refused_measurement_appends_nothing(
    surveys: Surveys, changes: dict[str, Any], error: type[DomainError]
) -> None:
    before = log_position(surveys)

    with pytest.raises(error):
        record(surveys, **changes)

    assert log_position(surveys) == before


@given(value=st.integers(min_value=-5 * WHOLE, max_value=5 * WHOLE))
def test_a_value_is_recorded_exactly_when_it_is_a_share(value: int) -> None:
    surveys = Surveys(env=MEMORY, today=lambda: TODAY)
    try:
        measurement = record(surveys, value_basis_points=value)
    except InvalidValue:
        assert not 0 <= value <= WHOLE
    else:
        assert 0 <= value <= WHOLE
        assert measurement.figure.value_basis_points == value


@given(
    values=st.lists(st.integers(min_value=0, max_value=WHOLE), min_size=1, max_size=6),
)
def test_a_replayed_measurement_holds_its_last_correction(values: list[int]) -> None:
    surveys = Surveys(env=MEMORY, today=lambda: TODAY)
    for value in values:
        measurement_id = surveys.record_survey_measurement(
            OPERATOR, **(TIC_2024 | {"value_basis_points": value})
        )

    replayed: Measurement = surveys.repository.get(measurement_id)

    assert replayed.figure.value_basis_points == values[-1]
