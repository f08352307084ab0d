"""The demo records, at the plan's launch, the survey measurements the reference gives:
INSEE's TIC survey (6 % in 2023, 10 % in 2024 of companies with 10 persons or more) and
Bpifrance Le Lab (generative AI in PME, 15 % in 2023, 31 % in 2024), each with its source."""

from __future__ import annotations

from uuid import UUID

import orjson

from osezia.demo import build_demo
from osezia.domain.platform import Platform
from osezia.domain.surveys.model import Measurement
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY


def test_the_demo_records_the_sourced_survey_measurements_at_the_launch() -> None:
    history = build_demo(companies=30)
    recorded = [e for e in history.events if e.topic.endswith("Measurement.Recorded")]
    platform = Platform(MEMORY, networks=NETWORKS)
    platform.companies.recorder.insert_events(history.events)

    found = [platform.surveys.find(UUID(str(e.originator_id)), Measurement) for e in recorded]

    figures = sorted(
        (
            m.survey.value,
            m.year,
            m.figure.value_basis_points,
            m.figure.source_url.startswith("https://"),
        )
        for m in found
        if m is not None
    )
    assert figures == [
        ("BPIFRANCE_LE_LAB", 2023, 1500, True),
        ("BPIFRANCE_LE_LAB", 2024, 3100, True),
        ("INSEE_TIC", 2023, 600, True),
        ("INSEE_TIC", 2024, 1000, True),
    ]
    days = {orjson.loads(e.state)["timestamp"]["_data_"][:10] for e in recorded}
    assert days == {"2025-07-01"}
