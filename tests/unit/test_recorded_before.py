"""A record as of a cutoff shows the status and milestones recorded before it, whatever the
cutoff and however far apart the milestones were recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from osezia.projections.diagnostics import TABLE as DIAGNOSTICS
from osezia.projections.diagnostics_rows import DiagnosticRow
from osezia.projections.partnerships import TABLE as PARTNERSHIPS
from osezia.projections.partnerships import PartnershipRow

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STEPS = ["REQUESTED", "ELIGIBLE", "EXPERT_ASSIGNED", "USE_CASES_IDENTIFIED", "REPORT_DELIVERED"]
GAPS = st.lists(st.integers(min_value=1, max_value=10_000), min_size=5, max_size=5)
CUTOFF = st.integers(min_value=-10, max_value=60_000)


def times(gaps: list[int]) -> list[datetime]:
    at, found = START, []
    for gap in gaps:
        at += timedelta(minutes=gap)
        found.append(at)
    return found


def a_diagnostic(at: list[datetime]) -> DiagnosticRow:
    """A diagnostic's row as the read model holds it, with its report delivered at at[-1]."""
    use_case = {"code": "TRI", "title": "Tri", "rank": 1, "value": 3, "feasibility": 2}
    return DiagnosticRow.from_row(
        dict.fromkeys(DIAGNOSTICS.column_names)
        | {
            "status": STEPS[-1],
            "status_history": [
                {"status": s, "at": t.isoformat()} for s, t in zip(STEPS, at, strict=True)
            ],
            "eligible": True,
            "size_category": "PME",
            "expert": "Lumen",
            "expert_days_logged": 2,
            "use_cases": [use_case],
            "report_delivered_on": at[-1].date(),
            "report_delivered_at": at[-1],
        }
    )


@given(gaps=GAPS, minutes=CUTOFF)
def test_a_diagnostic_shows_the_last_status_recorded_before_the_cutoff_and_nothing_later(
    gaps: list[int], minutes: int
) -> None:
    at = times(gaps)
    cutoff = START + timedelta(minutes=minutes)

    row = a_diagnostic(at).recorded_before(cutoff)

    reached = [s for s, t in zip(STEPS, at, strict=True) if t < cutoff]
    assert row.status == (reached[-1] if reached else STEPS[-1])
    assert (row.eligible is not None) == ("ELIGIBLE" in reached)
    assert (row.expert is not None) == ("EXPERT_ASSIGNED" in reached)
    assert bool(row.use_cases) == ("USE_CASES_IDENTIFIED" in reached)
    assert (row.report_delivered_on is not None) == ("REPORT_DELIVERED" in reached)
    assert (row.report_delivered_at is not None) == ("REPORT_DELIVERED" in reached)
    assert row.expert_days_logged == 2  # shown as it is
    assert row.status_history == a_diagnostic(at).status_history


MILESTONES = [("signed_at", "SIGNED"), ("started_at", "STARTED"), ("ended_at", "COMPLETED")]


@given(gaps=GAPS, minutes=CUTOFF, reached=st.integers(min_value=0, max_value=3))
def test_a_partnership_shows_the_milestones_recorded_before_the_cutoff(
    gaps: list[int], minutes: int, reached: int
) -> None:
    at = times(gaps)
    row: dict[str, Any] = dict.fromkeys(PARTNERSHIPS.column_names) | {"status": "PROPOSED"}
    for (column, status), t in list(zip(MILESTONES, at, strict=False))[:reached]:
        row[column], row["status"] = t, status
    row.update(signed_on=at[0].date() if reached else None, year=2026 if reached else None)
    cutoff = START + timedelta(minutes=minutes)

    shown = PartnershipRow.from_row(row).recorded_before(cutoff)

    before = [s for (_, s), t in list(zip(MILESTONES, at, strict=False))[:reached] if t < cutoff]
    assert shown.status == (before[-1] if before else "PROPOSED")
    assert (shown.signed_on is not None) == ("SIGNED" in before)
    assert (shown.signed_at is not None) == ("SIGNED" in before)
    assert (shown.year is not None) == ("SIGNED" in before)
    assert (shown.ended_at is not None) == ("COMPLETED" in before)
