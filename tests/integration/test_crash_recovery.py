"""A projection or rebuild process killed at random points (SIGKILL) and restarted ends with the
same rows: no event lost, none applied twice.

The processes are the real `osezia rebuild` and `osezia project` commands, killed without
warning while they run, on the real PostgreSQL. Kill points are random: the seed is in every
failure message.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.platform import Platform
from osezia.projections.readmodel import topic
from osezia.projections.rebuild import Outcome, rebuild
from osezia.tenants.application import Tenants
from osezia.tenants.visibility import Viewer
from tests.integration.process_support import (
    Command,
    command_env,
    commands_flowing,
    eventually,
    head,
    live_position,
    query,
    schemas_like,
    versions,
    write_history,
)
from tests.integration.projection_support import build_all, snapshot, viewers_of

STARTED = "osezia projects the event log"  # printed by `osezia project` once its imports are done


def adoption_steps_in_log(database_url: str, ids: list[UUID]) -> dict[UUID, list[tuple[str, str]]]:
    """Each company's adoption steps in the event log, in order, with the network that
    recorded each (an event that names none is its first follower's): the oracle for the rows."""
    rows = query(
        database_url,
        "SELECT originator_id, state FROM osezia_events "
        "WHERE topic = %s AND originator_id = ANY(%s) ORDER BY notification_id",
        topic(Company.AdoptionStageChanged),
        ids,
    )
    steps: dict[UUID, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        data = orjson.loads(r["state"])
        steps[r["originator_id"]].append((data.get("tenant") or "", data["stage"]))
    return steps


def check_each_adoption_step_applied_once(
    database_url: str, rows: dict[str, list[dict[str, Any]]], viewer: Viewer
) -> None:
    """A network's row holds the steps of the record it shows (its own, or its referrer's);
    a national row (the platform's, or a network's that sees every company) holds each step
    that took the company further than any follower had recorded."""
    national = viewer.profile is None or "company" in viewer.profile.sees_all
    companies = rows["companies"]
    in_log = adoption_steps_in_log(database_url, [c["id"] for c in companies])
    for company in companies:
        steps = in_log.get(company["id"], [])
        if national:
            furthest, expected = AdoptionStage.NONE, 0
            for _, stage in steps:
                if AdoptionStage(stage).rank > furthest.rank:
                    furthest, expected = AdoptionStage(stage), expected + 1
        else:
            expected = sum(by in ("", company["owner"]) for by, _ in steps)
        assert len(company["adoption_history"]) == expected, company


def test_a_rebuild_killed_at_random_points_resumes_its_version_and_ends_with_a_clean_rebuilds_rows(
    platform: Platform, tenants: Tenants, database_url: str, tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    chance = random.Random(seed)
    write_history(platform, 3500)  # about 14,500 events: three batches of 5,000
    viewers = {v.slug: v for v in viewers_of(tenants)}
    asyncio.run(build_all(database_url, [viewers["platform"], viewers["cci"]]))  # cci v1 serves
    env = command_env(DATABASE_URL=database_url)
    seen: list[tuple[str, int]] = []  # (status, events_done) of version 2 at each kill

    def version_2() -> dict[str, Any] | None:
        return next((v for v in versions(database_url, "cci") if v["version"] == 2), None)

    def one_round(round_: int) -> dict[str, Any] | None:
        """Start `osezia rebuild cci`, SIGKILL it, say where version 2 stands."""
        command = Command(["rebuild", "cci"], env, tmp_path / f"rebuild-{round_}.log")
        if round_ % 2 == 0:
            # Part-way through the build: once one more batch has committed.
            done = seen[-1][1] if seen else 0
            eventually(
                lambda: (
                    not command.running
                    or ((v := version_2()) is not None and v["events_done"] > done)
                ),
                30,
                f"progress beyond {done} (seed {seed})",
            )
            time.sleep(chance.uniform(0.0, 0.1))
        else:
            # Anywhere early: start-up, registering the version, migrating its schema, a batch.
            time.sleep(chance.uniform(0.0, 1.5))
        command.kill()
        return version_2()

    for round_ in range(8):
        current = one_round(round_)
        if current is not None:
            seen.append((current["status"], current["events_done"]))
            if current["status"] == "LIVE":
                break
    if not seen or seen[-1][0] != "LIVE":
        last = Command(["rebuild", "cci"], env, tmp_path / "rebuild-last.log")
        assert last.wait(60) == 0, last.output()
        assert "cci: version 2 is LIVE" in last.output()

    built = versions(database_url, "cci")
    assert [(v["version"], v["status"]) for v in built] == [(1, "RETIRED"), (2, "LIVE")], (
        f"one build, resumed, not restarted from scratch (seed {seed}): {built}"
    )
    done_at_kills = [done for status, done in seen if status == "BUILDING"]
    assert done_at_kills == sorted(done_at_kills), (seed, seen)
    assert any(done > 0 for done in done_at_kills), (
        f"a restart continued a build part-way through (seed {seed}): {seen}"
    )
    assert live_position(database_url, "cci") == head(database_url)
    assert schemas_like(database_url, "tenant\\_cci\\_v%") == {"tenant_cci_v2"}
    after_crashes = asyncio.run(snapshot(database_url, "cci"))
    assert after_crashes["companies"]
    assert any(c["shared_via"] for c in after_crashes["companies"])
    check_each_adoption_step_applied_once(database_url, after_crashes, viewers["cci"])

    asyncio.run(rebuild(database_url, viewers["cci"]))

    assert asyncio.run(snapshot(database_url, "cci")) == after_crashes, f"seed {seed}"


def test_a_build_resumed_while_its_first_run_is_still_alive_goes_live_once_and_keeps_its_rows(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    write_history(platform, 1500)
    viewers = {v.slug: v for v in viewers_of(tenants)}
    asyncio.run(build_all(database_url, [viewers["platform"], viewers["cci"]]))
    served = asyncio.run(snapshot(database_url, "cci"))

    async def run_twice() -> list[Outcome]:
        first = asyncio.create_task(rebuild(database_url, viewers["cci"], batch_size=200))
        # A supervisor that took the first run for dead starts the same build again.
        while not any(v["events_done"] for v in versions(database_url, "cci")[1:]):
            await asyncio.sleep(0.01)
        second = await rebuild(database_url, viewers["cci"], batch_size=200)
        return [await first, second]

    outcomes = asyncio.run(run_twice())

    assert {(o.version, o.status) for o in outcomes} == {(2, "LIVE")}
    assert [(v["version"], v["status"]) for v in versions(database_url, "cci")] == [
        (1, "RETIRED"),
        (2, "LIVE"),
    ]
    assert schemas_like(database_url, "tenant\\_cci\\_v%") == {"tenant_cci_v2"}
    assert asyncio.run(snapshot(database_url, "cci")) == served


def test_a_projection_process_killed_at_random_points_under_load_ends_with_a_rebuilds_rows(
    platform: Platform, tenants: Tenants, database_url: str, tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    chance = random.Random(seed)
    write_history(platform, 800)
    viewers = {v.slug: v for v in viewers_of(tenants)}
    targets = list(viewers)
    env = command_env(DATABASE_URL=database_url)
    kills = {"onboarding": 0, "following": 0}

    def all_live() -> bool:
        return all(any(v["status"] == "LIVE" for v in versions(database_url, t)) for t in targets)

    with commands_flowing(platform, first_serial=100_000) as stream:
        for round_ in range(8):
            command = Command(["project"], env, tmp_path / f"project-{round_}.log")
            command.wait_for_output(STARTED, 30)
            # The first kill lands early, in the onboarding rebuilds; later ones anywhere in
            # what is left of them, then anywhere in following the log. After three kills in
            # onboarding (on a busy machine it may outlast every random pick), the process is
            # let finish it, so that the next kills land in following the log.
            if kills["onboarding"] >= 3:
                eventually(all_live, 60, f"onboarding to end (seed {seed}), {tmp_path}")
            longest = 0.5 if round_ == 0 else 1.0 if all_live() else 2.5
            time.sleep(chance.uniform(0.0, longest))
            command.kill()
            kills["following" if all_live() else "onboarding"] += 1
            if kills["following"] >= 2:
                break
        final = Command(["project"], env, tmp_path / "project-final.log")
        eventually(all_live, 60, lambda: f"every target live (seed {seed}):\n{final.output()}")
    assert stream.sent > 0
    assert kills["onboarding"] >= 1, (seed, kills)
    assert kills["following"] >= 2, (seed, kills)
    last = head(database_url)
    eventually(
        lambda: all(live_position(database_url, t) == last for t in targets),
        60,
        f"every target at the head {last} (seed {seed})",
    )
    assert final.stop() == 0, final.output()
    for t in targets:  # each onboarding resumed its own version, whatever the kills
        assert [(v["version"], v["status"]) for v in versions(database_url, t)] == [(1, "LIVE")]
    kept_up = {t: asyncio.run(snapshot(database_url, t)) for t in targets}
    for t in targets:
        check_each_adoption_step_applied_once(database_url, kept_up[t], viewers[t])

    asyncio.run(build_all(database_url, viewers_of(tenants)))

    for t in targets:
        assert asyncio.run(snapshot(database_url, t)) == kept_up[t], f"{t} (seed {seed})"
