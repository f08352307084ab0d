"""The demo history is the same on every run, and every aggregate has some of it."""

from __future__ import annotations

from osezia.demo import load_demo
from osezia.domain.platform import Platform
from tests.unit.conftest import MEMORY


def topics_of(platform: Platform) -> list[str]:
    recorder = platform.companies.recorder
    return [n.topic for n in recorder.select_notifications(start=1, limit=100_000)]


def test_the_demo_writes_the_same_history_twice_and_covers_every_aggregate() -> None:
    first, second = Platform(MEMORY), Platform(MEMORY)

    counts = load_demo(first, companies=60)
    load_demo(second, companies=60)

    assert topics_of(first) == topics_of(second)
    assert all(n > 0 for n in counts.values()), counts
    kinds = {topic.split(":")[1].split(".")[0] for topic in topics_of(first)}
    assert {"Company", "Diagnostic", "Ambassador", "Meetup", "Partnership", "Referral"} <= kinds
