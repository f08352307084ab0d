"""A realistic, deterministic demo history of the whole plan, written in bulk.

The same seed and size always give the same events, recorded times included: the history runs
from the plan's launch (July 2025) to a fixed end date, not to the day it is loaded.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import eventsourcing.domain
import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import EnvType

from osezia.demo import calls, measures, plan
from osezia.demo import companies as demo_companies
from osezia.demo.companies import demo_siren
from osezia.demo.timeline import Timeline
from osezia.domain.actors import Actor, acting
from osezia.domain.companies.model import Company
from osezia.domain.platform import Platform
from osezia.store.bulk import Appended, append_events
from osezia.store.keys import keyring
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS

# The in-memory run keeps every aggregate in a cache, not copied on each read: replaying a busy
# meetup for each of its registrations, or copying it, would cost more than the rest of the
# history. A refused command may have changed a cached aggregate: the timeline then empties
# the caches.
MEMORY: EnvType = {
    "PERSISTENCE_MODULE": "eventsourcing.popo",
    "AGGREGATE_CACHE_MAXSIZE": "1000000",
    "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
}
END = date(2026, 11, 20)
# A first `make run` is ready in seconds with 5,000 companies; `--companies 20000` gives the
# plan's full size (its first run takes about 40 s on a laptop, the read models included).
DEFAULT_COMPANIES = 5_000
# Who the demo's decisions are recorded as made by: the demo itself, for the plan's operator.
DEMO_ACTOR = Actor("demo", "operator", "system")
_REGISTRY = "osezia.tenants."

__all__ = [
    "DEFAULT_COMPANIES",
    "DEMO_ACTOR",
    "END",
    "DemoHistory",
    "build_demo",
    "demo_loaded",
    "demo_siren",
    "log_holds_a_history",
    "write_demo",
]


@dataclass(frozen=True)
class DemoHistory:
    events: list[StoredEvent]

    def counts(self) -> dict[str, int]:
        """How many records of each kind the history creates (by aggregate class)."""
        created = Counter(
            e.topic.split(":")[1].split(".")[0] for e in self.events if e.originator_version == 1
        )
        return dict(sorted(created.items()))


def build_demo(
    companies: int = DEFAULT_COMPANIES, seed: int = 2025, until: date = END
) -> DemoHistory:
    """Run the whole plan's demo in memory and return its events, stamped with their days."""
    rng = random.Random(seed)
    # The people's keys are made here and written to the key store at once, before the events.
    with _seeded_ids(random.Random(seed + 1)), acting(DEMO_ACTOR), keyring().deferred():
        return _build(rng, companies, until)


@contextmanager
def _seeded_ids(rng: random.Random) -> Iterator[None]:
    """Aggregates without a natural key get a random id from eventsourcing (uuid4): drawn from
    the seed instead, the same demo gets the same ids on every run."""
    drawn = eventsourcing.domain.__dict__["uuid4"]
    setattr(eventsourcing.domain, "uuid4", lambda: UUID(int=rng.getrandbits(128), version=4))  # noqa: B010
    try:
        yield
    finally:
        setattr(eventsourcing.domain, "uuid4", drawn)  # noqa: B010


def _build(rng: random.Random, companies: int, until: date) -> DemoHistory:
    platform = Platform(MEMORY, networks=NETWORKS)
    # Referrals go to registered networks: the in-memory run knows the plan's five, whose
    # events stay out of the history (the log holds its own registry).
    Tenants(env=MEMORY, share_with=platform.companies).seed_defaults()
    timeline = Timeline(platform, until)
    plan.budget(timeline)
    plan.surveys(timeline)
    solutions = plan.solutions(timeline, rng)
    adopt = plan.adopter(timeline, rng, solutions)
    registered = demo_companies.register_companies(timeline, rng, companies, until, adopt)
    measures.referrals(timeline, rng, registered)
    measures.diagnostics(timeline, rng, registered)
    measures.ambassadors(timeline, rng, until)
    measures.events(timeline, rng, registered, until)
    measures.partnerships(timeline, rng, registered)
    plan.trainings(timeline, rng, registered, learners=companies * 2)
    plan.loans(timeline, rng, registered)
    plan.acceleration(timeline, rng, registered)
    calls.calls_for_projects(timeline, rng, registered)
    timeline.run()
    return DemoHistory([e for e in timeline.stored_events() if not e.topic.startswith(_REGISTRY)])


def demo_loaded(conn: psycopg.Connection[Any]) -> bool:
    """Whether the demo is in the log: it is written in one transaction, so its first company
    stands for all of it."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM osezia_events WHERE originator_id = %s)",
        (Company.create_id(demo_siren(0)),),
    ).fetchone()
    return bool(row and row[0])


def log_holds_a_history(conn: psycopg.Connection[Any]) -> bool:
    """Whether the log holds more than the tenant registry. The demo writes only into a new
    log: its streams would otherwise mix with streams of the same ids already stored (its
    budget envelope, its calls and its companies have ids derived from natural keys)."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM osezia_events WHERE topic NOT LIKE 'osezia.tenants.%')"
    ).fetchone()
    return bool(row and row[0])


def write_demo(conn: psycopg.Connection[Any], history: DemoHistory) -> Appended:
    """Append the history to the log in bulk (an autocommit connection), in one transaction: an
    interrupted load leaves nothing, so the next `demo --if-empty` loads it whole."""
    return append_events(conn, history.events, batch_size=max(len(history.events), 1))
