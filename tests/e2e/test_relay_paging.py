"""Relay paging through `osezia serve`, on every list: forward with `first`/`after` through
the whole list, back with `last`/`before`, the same records in the same order, hasNextPage and
hasPreviousPage right at each end, and each page's cursors usable either way. The records are
the demo's (`osezia demo`), and two cohorts opened through the API beside the demo's one."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import (
    OSEZIA,
    access_token,
    command_env,
    free_port,
    migrated,
    wait_until_ready,
)

PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  %s
}
"""
CONNECTION = """(%s first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { %s } }
  }"""
OPEN_COHORT = """
mutation Open($name: String!) {
  openCohort(name: $name, startsOn: "2026-09-01", idempotencyKey: $name) {
    __typename ... on Done { id consistencyToken } ... on Problem { code message }
  }
}
"""
MAX_PAGE = 100


@dataclass(frozen=True)
class Listing:
    """A list as a partner pages through it: the network asking, and the field's path."""

    name: str
    tenant: str
    field: str  # the root field, with its own arguments (`referrals(direction: SENT,`)
    inside: str = ""  # the object the connection lies in (`budget`), if any
    node: str = "id"  # the node's fields that name it (a movement has no id: its reference)

    def document(self) -> str:
        name, _, arguments = self.field.partition("(")
        connection = name + CONNECTION % (arguments.rstrip(","), self.node)
        return PAGE % (f"{self.inside} {{ {connection} }}" if self.inside else connection)

    def connection(self, data: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = (data[self.inside] if self.inside else data)[self.name]
        return found


# The demo's longest lists (companies, events, trainings, ambassadors) are read in one region,
# Bretagne: a few pages of a few records each, and cursors within a filter.
LISTINGS = [
    Listing("companies", "operator", 'companies(region: "53",'),
    Listing("diagnostics", "operator", "diagnostics("),
    Listing("loans", "operator", "loans("),
    Listing("partnerships", "operator", "partnerships("),
    Listing("referrals", "cci", "referrals(direction: SENT,"),
    Listing("referrals", "bpifrance", "referrals(direction: RECEIVED,"),
    Listing("cohorts", "operator", "cohorts("),
    Listing("callApplications", "operator", "callApplications("),
    Listing("events", "operator", 'events(region: "53",'),
    Listing("trainings", "operator", 'trainings(region: "53",'),
    Listing("ambassadors", "operator", 'ambassadors(region: "53",'),
    Listing("movements", "operator", "movements(", inside="budget", node="reference"),
    Listing("providers", "operator", "providers("),
    Listing("solutions", "operator", "solutions("),
    Listing("adoptions", "operator", "adoptions("),
]


@dataclass
class Api:
    url: str
    tokens: dict[str, str]
    consistency: str  # the last command's: every read waits for the read models to reach it

    def page(self, listing: Listing, **arguments: object) -> dict[str, Any]:
        answer = httpx.post(
            f"{self.url}/graphql",
            json={"query": listing.document(), "variables": arguments},
            headers={
                "Authorization": f"Bearer {self.tokens[listing.tenant]}",
                "X-Consistency-Token": self.consistency,
            },
            timeout=30,
        )
        body = answer.json()
        assert "errors" not in body, body
        return listing.connection(body["data"])


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    migrated(database_url)
    demo = subprocess.run(
        [*OSEZIA, "demo", "--companies", "300"],
        env=command_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stderr
    log = tmp_path_factory.mktemp("paging") / "serve.log"
    with serving_the_demo(database_url, log) as url:
        env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
        with Clients(env=env) as clients:
            tokens = {t.tenant: access_token(url, clients, t.tenant) for t in LISTINGS}
            pilot = access_token(url, clients, "bpifrance", role="manager")  # opens cohorts
        consistency = ""
        for name in ("Promotion automne A", "Promotion automne B"):  # the demo opens one
            done = httpx.post(
                f"{url}/graphql",
                json={"query": OPEN_COHORT, "variables": {"name": name}},
                headers={"Authorization": f"Bearer {pilot}"},
                timeout=30,
            ).json()["data"]["openCohort"]
            assert done["__typename"] == "Done", done
            consistency = done["consistencyToken"]
        yield Api(url, tokens, consistency)


@contextmanager
def serving_the_demo(database_url: str, log_path: Path) -> Iterator[str]:
    """`osezia serve` once it has built every network's read models of the demo, which takes
    longer than conftest's `serving` waits on a busy machine."""
    port = free_port()
    env = command_env(
        DATABASE_URL=database_url, OSEZIA_PORT=str(port), OSEZIA_GRAPHQL_COST_PER_MINUTE="0"
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen([*OSEZIA, "serve"], env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(url, process, seconds=120)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def keys(found: dict[str, Any]) -> list[tuple[str, str]]:
    """Each edge's cursor and what names its node."""
    return [(edge["cursor"], str(edge["node"])) for edge in found["edges"]]


def ends(found: dict[str, Any]) -> tuple[bool, bool]:
    info = found["pageInfo"]
    return info["hasPreviousPage"], info["hasNextPage"]


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda x: f"{x.name}-{x.tenant}")
def test_a_list_pages_forward_and_back_through_the_same_records(api: Api, listing: Listing) -> None:
    total = api.page(listing, first=1)["totalCount"]
    assert total >= 3, f"{listing.name}: {total} records, too few for three pages"
    size = min(MAX_PAGE, total // 3)

    forward = [api.page(listing, first=size)]
    while forward[-1]["pageInfo"]["hasNextPage"]:
        forward.append(api.page(listing, first=size, after=forward[-1]["pageInfo"]["endCursor"]))
    back = [api.page(listing, last=size)]
    while back[-1]["pageInfo"]["hasPreviousPage"]:
        back.append(api.page(listing, last=size, before=back[-1]["pageInfo"]["startCursor"]))

    whole = [key for found in forward for key in keys(found)]
    assert len(whole) == len(set(whole)) == total
    assert [key for found in reversed(back) for key in keys(found)] == whole
    assert len(forward) == len(back) >= 3
    assert [len(found["edges"]) for found in forward[:-1]] == [size] * (len(forward) - 1)
    assert [len(found["edges"]) for found in back[:-1]] == [size] * (len(back) - 1)
    assert [ends(found) for found in forward] == [
        (k > 0, k < len(forward) - 1) for k in range(len(forward))
    ]
    assert [ends(found) for found in back] == [(k < len(back) - 1, k > 0) for k in range(len(back))]
    for found in forward + back:
        assert found["totalCount"] == total
        assert found["pageInfo"]["startCursor"] == found["edges"][0]["cursor"]
        assert found["pageInfo"]["endCursor"] == found["edges"][-1]["cursor"]
    if listing.node == "id":  # ids stay the UUIDs partners already store
        assert all(uuid.UUID(edge["node"]["id"]) for found in forward for edge in found["edges"])

    # Cursors turn pages either way: back from a forward page, on from a backward one.
    before_second = api.page(listing, last=size, before=forward[1]["pageInfo"]["startCursor"])
    after_second = api.page(listing, first=size, after=back[1]["pageInfo"]["endCursor"])
    assert keys(before_second) == keys(forward[0])
    assert ends(before_second) == (False, True)
    assert keys(after_second) == keys(back[0])
    assert ends(after_second) == (True, False)
