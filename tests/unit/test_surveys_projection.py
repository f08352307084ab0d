"""A survey measurement read as of a moment is its last revision recorded before it: a later
correction never changes what a past day showed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from osezia.projections.surveys import as_of

START = datetime(2025, 7, 1, 8, tzinfo=UTC)


def a_row(values: list[int], gaps: list[int]) -> dict[str, Any]:
    moments = [START + timedelta(minutes=sum(gaps[: n + 1])) for n in range(len(values))]
    return {
        "id": uuid4(),
        "survey": "INSEE_TIC",
        "measures": "share of companies using at least one AI technology",
        "population": "companies with 10 persons or more",
        "year": 2024,
        "recorded_at": moments[0],
        "revisions": [
            {
                "value_basis_points": value,
                "source_url": f"https://example.org/{n}",
                "segment": None,
                "at": moment.isoformat(),
            }
            for n, (value, moment) in enumerate(zip(values, moments, strict=True))
        ],
    }


@given(
    data=st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 10_000), min_size=n, max_size=n),
            st.lists(st.integers(0, 600), min_size=n, max_size=n),
        )
    ),
    minutes=st.integers(min_value=-10, max_value=4000),
)
def test_a_measurement_as_of_a_moment_is_its_last_revision_before_it(
    data: tuple[list[int], list[int]], minutes: int
) -> None:
    values, gaps = data
    row = a_row(values, gaps)
    cutoff = START + timedelta(minutes=minutes)
    before = [r for r in row["revisions"] if datetime.fromisoformat(r["at"]) < cutoff]

    seen = as_of(row, cutoff)

    if not before:
        assert seen is None
    else:
        assert seen is not None
        assert seen.value_basis_points == before[-1]["value_basis_points"]
        assert seen.source_url == before[-1]["source_url"]
        assert (seen.corrected_at is None) == (len(before) == 1)


def test_without_a_cutoff_a_measurement_is_as_it_stands() -> None:
    row = a_row([100, 1000], [0, 5])

    seen = as_of(row, None)

    assert seen is not None
    assert seen.value_basis_points == 1000
    assert seen.corrected_at == START + timedelta(minutes=5)
