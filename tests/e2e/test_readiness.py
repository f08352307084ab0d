"""/readyz tells the truth, against `osezia serve`: a replica is ready when the database answers
at or beyond this release's head (a later release's revision included, as in a rolling
upgrade); read models still being built are that tenant's own error, never every replica's."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

from osezia.domain.platform import Platform
from osezia.projections.migrations import migrate
from osezia.projections.names import reader_role, tenant_role
from osezia.projections.rebuild import rebuild
from osezia.store.migrations import head_revision, known_revisions
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import OSEZIA, access_token, command_env, free_port, migrated, serving
from tests.integration.projection_support import viewers_of
from tests.services import fresh_database

COMPANY = 'query { company(siren: "356000000") { siren } }'
STATUS = "query { projectionStatus { version rebuild { version } } }"


@contextmanager
def started(database_url: str, log_path: Path, **settings: str) -> Iterator[str]:
    """`osezia serve` once it answers /healthz, whatever /readyz says."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*OSEZIA, "serve"],
            env=command_env(DATABASE_URL=database_url, OSEZIA_PORT=str(port), **settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while not _answers(f"{base_url}/healthz"):
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "osezia serve did not start"
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def graphql(api: str, token: str, query: str) -> dict[str, Any]:
    response = httpx.post(
        f"{api}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    answer: dict[str, Any] = response.json()
    return answer


def osezia(database_url: str, *args: str) -> None:
    env = command_env(DATABASE_URL=database_url)
    subprocess.run([*OSEZIA, *args], env=env, check=True, capture_output=True)


def leave_a_role_behind(database_url: str, tenant: str) -> None:
    """The tenant's role with no schema, as a restore of a backup taken before its first build
    leaves it: roles belong to the server, not to the database."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        database = conn.info.dbname
        role = tenant_role(tenant, database)
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            conn.execute(f'CREATE ROLE "{role}" NOLOGIN')
        conn.execute(f'GRANT "{role}" TO "{reader_role(database)}"')


def pause_a_first_build(database_url: str, tenant: str) -> None:
    """A first build begun and paused: a BUILDING version, its role and data schema, nothing
    live."""
    env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
    platform = Platform(env, networks=NETWORKS)
    try:
        viewer = next(
            v
            for v in viewers_of(Tenants(env=env, share_with=platform.companies))
            if v.slug == tenant
        )
        assert asyncio.run(rebuild(database_url, viewer, batch_size=1, until=0)).status == "PAUSED"
    finally:
        platform.close()


def test_tenants_being_built_answer_their_own_error_while_the_others_are_served(
    database_url: str, redis: str, tmp_path: Path
) -> None:
    migrated(database_url)
    with serving(database_url, tmp_path / "built.log"):
        pass  # the embedded projector built the platform's and every network's read models
    osezia(database_url, "tenants", "add", "cma", "--name", "CMA France", "--like", "cci")
    osezia(database_url, "tenants", "add", "adie", "--name", "Adie", "--like", "cci")
    pause_a_first_build(database_url, "adie")
    leave_a_role_behind(database_url, "cma")

    # With REDIS_URL, projections are a worker's: none runs, so neither build goes on.
    with started(database_url, tmp_path / "serve.log", REDIS_URL=redis) as api:
        ready = httpx.get(f"{api}/readyz", timeout=10)
        env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
        with Clients(env=env) as clients:
            tokens = {t: access_token(api, clients, t) for t in ("cma", "adie", "cci")}
        answers = {t: graphql(api, token, COMPANY) for t, token in tokens.items()}
        statuses = {t: graphql(api, token, STATUS) for t, token in tokens.items()}
        # Neither has a live version: adie's first build is paused; cma's never began, but a
        # role of its name is there.
        exported = {
            t: httpx.get(
                f"{api}/exports/companies.csv",
                headers={"Authorization": f"Bearer {tokens[t]}"},
                timeout=10,
            )
            for t in ("cma", "adie")
        }

    assert ready.status_code == 200, ready.text
    for tenant, export in exported.items():
        assert export.status_code == 503, (tenant, export.text)
        assert export.json()["code"] == "READ_MODELS_BUILDING"
        assert export.headers["Retry-After"]
    assert ready.json()["building"] == ["adie", "cma"]
    for tenant in ("cma", "adie"):
        (error,) = answers[tenant]["errors"]
        assert error["extensions"]["code"] == "READ_MODELS_BUILDING", (tenant, error)
        assert repr(tenant) in error["message"]
    assert answers["cci"] == {"data": {"company": None}}
    assert statuses["cma"] == {"data": {"projectionStatus": {"version": None, "rebuild": None}}}
    assert statuses["adie"] == {
        "data": {"projectionStatus": {"version": None, "rebuild": {"version": 1}}}
    }
    assert statuses["cci"]["data"]["projectionStatus"]["version"] == 1


def readiness(api: str) -> httpx.Response:
    return httpx.get(f"{api}/readyz", timeout=10)


def test_ready_at_head_or_a_later_releases_revision_not_at_an_older_one(
    postgres_admin: str, tmp_path: Path
) -> None:
    with fresh_database(postgres_admin) as database_url:  # its alembic_version is rewritten
        migrate(database_url)
        head = head_revision(database_url)
        older = next(iter(known_revisions(database_url) - {head}))

        def at(revision: str | None) -> None:
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("UPDATE alembic_version SET version_num = %s", (revision,))

        with started(database_url, tmp_path / "serve.log") as api:
            at_head = readiness(api)
            at("f00dcafe1a7e")  # a later release's migration: unknown to this code
            later = readiness(api)
            at(older)
            behind = readiness(api)
            at(head)
            again = readiness(api)

    assert (at_head.status_code, at_head.json()["migration"]) == (200, head)
    assert (later.status_code, later.json()["migration"]) == (200, "f00dcafe1a7e")
    assert behind.status_code == 503
    assert behind.json() == {
        "status": "unavailable",
        "reason": f"migrations at {older}, head is {head}: run `osezia migrate`",
    }
    assert again.status_code == 200
