"""The demo history is the same on every run, follows the rules, and is dated from 2025."""

from __future__ import annotations

from collections import Counter
from datetime import date
from uuid import UUID

import orjson
import pytest

from osezia.demo import END, DemoHistory, build_demo
from osezia.demo.companies import SIZE_WEIGHTS
from osezia.domain.companies.model import Company
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeCategory
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY


@pytest.fixture(scope="module")
def history() -> DemoHistory:
    return build_demo(companies=1500)


def test_the_same_seed_gives_the_same_events_ids_and_times_included(history: DemoHistory) -> None:
    assert build_demo(companies=1500).events == history.events
    assert build_demo(companies=1500, seed=7).events != history.events


def test_every_aggregate_of_the_plan_has_some_history(history: DemoHistory) -> None:
    counts = history.counts()
    assert counts["Company"] == 1500
    for kind in ("Diagnostic", "Ambassador", "Meetup", "Partnership", "Referral"):
        assert counts.get(kind, 0) > 0, (kind, counts)


def test_events_are_dated_between_the_launch_and_the_end_in_log_order(
    history: DemoHistory,
) -> None:
    stamps = [orjson.loads(e.state)["timestamp"]["_data_"] for e in history.events]
    days = [date.fromisoformat(s[:10]) for s in stamps]
    assert min(days) >= date(2025, 7, 1)
    assert max(days) <= END
    assert stamps == sorted(stamps)  # recorded times grow with the log, as they would live


def test_the_history_replays_into_valid_aggregates_with_real_size_proportions(
    history: DemoHistory,
) -> None:
    platform = Platform(MEMORY, networks=NETWORKS)
    platform.companies.recorder.insert_events(history.events)
    ids = [
        UUID(str(e.originator_id)) for e in history.events if e.topic.endswith("Company.Registered")
    ]
    companies = [platform.companies.find(i, Company) for i in ids]
    # The size each company's registrant assessed (the network that registered it first).
    sizes = Counter(c.records[c.tenant].size_category for c in companies if c is not None)
    assert len(sizes) > 1
    assert sum(sizes.values()) == len(ids)
    share_micro = sizes[SizeCategory.MICRO] / len(ids)
    expected = SIZE_WEIGHTS[SizeCategory.MICRO] / sum(SIZE_WEIGHTS.values())
    assert abs(share_micro - expected) < 0.02
