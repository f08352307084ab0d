"""The demo history is the same on every run, follows the rules, and is dated from 2025."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent

from osezia.demo import END, DemoHistory, build_demo
from osezia.demo.companies import SIZE_WEIGHTS
from osezia.domain.companies.model import Company
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeCategory
from osezia.store.keys import Keyring, using_keyring
from osezia.store.personal_cipher import SEALED, additional_data, open_sealed
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY


@pytest.fixture(scope="module")
def history() -> DemoHistory:
    return build_demo(companies=1500)


def opened(events: list[StoredEvent], ring: Keyring) -> list[tuple[UUID, int, str, Any]]:
    """The events with each personal field's envelope opened: the envelopes differ from run
    to run (each run makes its people's keys, and each envelope its nonce), the values not."""
    found = []
    for e in events:
        state = orjson.loads(e.state)
        for name, value in state.items():
            if isinstance(value, dict) and value.get("_type_") == SEALED:
                aad = additional_data(e.originator_id, e.originator_version, name)
                plaintext = open_sealed(value["_data_"], aad, ring)
                assert plaintext is not None, (e.topic, name)
                state[name] = orjson.loads(plaintext)
        found.append((UUID(str(e.originator_id)), e.originator_version, e.topic, state))
    return found


def test_the_same_seed_gives_the_same_events_ids_and_times_included(
    history: DemoHistory, session_memory_keys: Keyring
) -> None:
    # The same key store as the first run's: a learner's enrolment id is a keyed digest.
    with using_keyring(session_memory_keys) as ring:
        again = build_demo(companies=1500)
        other_seed = build_demo(companies=1500, seed=7)
    assert any(SEALED.encode() in e.state for e in history.events)  # personal fields are sealed
    assert [e.state for e in again.events] != [e.state for e in history.events]
    first = opened(history.events, ring)
    assert opened(again.events, ring) == first
    assert opened(other_seed.events, ring) != first


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
