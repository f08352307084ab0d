"""Machine clients on the real event store: created in a role, authenticated, revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from osezia.domain.errors import InvalidTransition, InvalidValue, NotFound
from osezia.domain.platform import Platform
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients

PUBLIC_JWK: dict[str, Any] = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}


@pytest.fixture
def clients(platform: Platform, tenants: Tenants, store_env: dict[str, str]) -> Clients:
    return Clients(env=store_env, share_with=platform.companies)


def test_a_created_client_belongs_to_its_tenant_in_its_role(clients: Clients) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="BI export")

    client = clients.get_client(client_id)
    assert (client.tenant, client.role, client.name) == ("cci", "officer", "BI export")
    assert secret is not None
    assert not client.revoked


def test_the_secret_is_stored_nowhere_in_clear(clients: Clients, database_url: str) -> None:
    client_id, secret = clients.create_client("cci", role="analyst", name="dashboards")
    assert secret is not None

    with psycopg.connect(database_url) as conn:
        states = [bytes(s) for (s,) in conn.execute("SELECT state FROM osezia_events")]
    assert not any(secret.encode() in state for state in states)
    assert not any(secret.removeprefix("osezia_").encode() in state for state in states)
    assert clients.get_client(client_id).secret_hash.startswith("scrypt$")  # type: ignore[union-attr]


def test_a_client_authenticates_with_its_own_secret_only(clients: Clients) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="CRM sync")
    other_id, other_secret = clients.create_client("cci", role="officer", name="other")
    assert secret is not None
    assert other_secret is not None

    authenticated = clients.authenticate_secret(client_id, secret)

    assert authenticated is not None
    assert authenticated.client_id == client_id
    assert clients.authenticate_secret(client_id, other_secret) is None
    assert clients.authenticate_secret(other_id, secret) is None
    assert clients.authenticate_secret("no-such-client", secret) is None


def test_a_revoked_client_cannot_authenticate(clients: Clients) -> None:
    client_id, secret = clients.create_client("bpifrance", role="manager", name="payments")
    assert secret is not None

    clients.revoke_client(client_id, reason="key leaked in a log")

    assert clients.get_client(client_id).revoked
    assert clients.authenticate_secret(client_id, secret) is None
    assert clients.active_client(client_id) is None


def test_a_client_is_revoked_once(clients: Clients) -> None:
    client_id, _ = clients.create_client("cci", role="analyst", name="once")
    clients.revoke_client(client_id, reason="no longer used")

    with pytest.raises(InvalidTransition):
        clients.revoke_client(client_id, reason="again")


def test_the_clients_of_a_suspended_tenant_cannot_authenticate(
    clients: Clients, tenants: Tenants
) -> None:
    client_id, secret = clients.create_client("french-tech", role="officer", name="sync")
    assert secret is not None

    tenants.suspend_tenant("french-tech", reason="contract under review")

    assert clients.authenticate_secret(client_id, secret) is None
    with pytest.raises(InvalidTransition):
        clients.create_client("french-tech", role="officer", name="another")


def test_a_client_takes_one_of_its_tenants_roles(clients: Clients) -> None:
    with pytest.raises(InvalidValue, match="superuser"):
        clients.create_client("cci", role="superuser", name="too much")


def test_an_unknown_tenant_gets_no_client(clients: Clients) -> None:
    with pytest.raises(NotFound):
        clients.create_client("nowhere", role="analyst", name="lost")


def test_an_unknown_client_is_not_found(clients: Clients) -> None:
    with pytest.raises(NotFound):
        clients.get_client("0" * 32)


def test_a_client_with_a_public_key_gets_no_secret(clients: Clients) -> None:
    client_id, secret = clients.create_client(
        "inria", role="manager", name="partnerships bot", public_jwk=PUBLIC_JWK
    )

    assert secret is None
    client = clients.get_client(client_id)
    assert client.public_jwk == PUBLIC_JWK
    assert client.secret_hash is None
    assert clients.authenticate_secret(client_id, "") is None


def test_a_private_key_is_refused_as_a_client_key(clients: Clients) -> None:
    private = {**PUBLIC_JWK, "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}

    with pytest.raises(InvalidValue, match="private"):
        clients.create_client("inria", role="manager", name="oops", public_jwk=private)


def test_a_tenants_clients_are_listed_without_another_tenants(clients: Clients) -> None:
    first, _ = clients.create_client("cci", role="analyst", name="one")
    second, _ = clients.create_client("cci", role="officer", name="two")
    clients.create_client("bpifrance", role="analyst", name="elsewhere")

    listed = clients.list_clients("cci")

    assert [c.client_id for c in listed] == [first, second]
    assert clients.list_clients("inria") == []


def test_a_client_is_read_back_by_a_new_application(
    clients: Clients, store_env: dict[str, str]
) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="replayed")
    assert secret is not None

    with Clients(env=store_env) as other:
        assert other.authenticate_secret(client_id, secret) is not None


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(platform: Platform, tenants: Tenants, store_env: dict[str, str], clock: Clock) -> Clients:
    """The clients application on the test's clock."""
    return Clients(env=store_env, share_with=platform.companies, clock=clock)


def a_secret_client(clients: Clients) -> tuple[str, str]:
    client_id, secret = clients.create_client("cci", role="officer", name="rotated")
    assert secret is not None
    return client_id, secret


def test_a_rotated_client_authenticates_with_its_new_secret(timed: Clients) -> None:
    client_id, old = a_secret_client(timed)

    new, _ = timed.rotate_secret(client_id, overlap=3600)

    assert new != old
    assert new.startswith("osezia_")
    assert timed.authenticate_secret(client_id, new) is not None


def test_the_previous_secret_works_until_the_overlap_ends(timed: Clients, clock: Clock) -> None:
    client_id, old = a_secret_client(timed)

    _, until = timed.rotate_secret(client_id, overlap=3600)

    assert until == clock.now + timedelta(seconds=3600)
    clock.advance(3599)
    assert timed.authenticate_secret(client_id, old) is not None
    clock.advance(1)
    assert timed.authenticate_secret(client_id, old) is None


def test_with_no_overlap_the_previous_secret_stops_at_once(timed: Clients) -> None:
    client_id, old = a_secret_client(timed)

    new, _ = timed.rotate_secret(client_id, overlap=0)

    assert timed.authenticate_secret(client_id, old) is None
    assert timed.authenticate_secret(client_id, new) is not None


def test_a_second_rotation_stops_the_oldest_secret_at_once(timed: Clients, clock: Clock) -> None:
    client_id, first = a_secret_client(timed)
    second, _ = timed.rotate_secret(client_id, overlap=3600)
    clock.advance(60)

    third, _ = timed.rotate_secret(client_id, overlap=3600)

    assert timed.authenticate_secret(client_id, first) is None
    assert timed.authenticate_secret(client_id, second) is not None
    assert timed.authenticate_secret(client_id, third) is not None


def test_the_new_secret_is_stored_nowhere_in_clear(timed: Clients, database_url: str) -> None:
    client_id, _ = a_secret_client(timed)

    new, _ = timed.rotate_secret(client_id, overlap=60)

    with psycopg.connect(database_url) as conn:
        states = [bytes(s) for (s,) in conn.execute("SELECT state FROM osezia_events")]
    assert not any(new.removeprefix("osezia_").encode() in state for state in states)


def test_the_overlap_is_read_back_by_a_new_application(
    timed: Clients, clock: Clock, store_env: dict[str, str]
) -> None:
    client_id, old = a_secret_client(timed)
    timed.rotate_secret(client_id, overlap=600)

    with Clients(env=store_env, clock=clock) as other:
        assert other.authenticate_secret(client_id, old) is not None
        clock.advance(600)
        assert other.authenticate_secret(client_id, old) is None


def test_a_revoked_client_or_one_without_a_secret_is_not_rotated(timed: Clients) -> None:
    revoked, _ = a_secret_client(timed)
    timed.revoke_client(revoked, reason="gone")
    keyed, _ = timed.create_client("inria", role="manager", name="k", public_jwk=PUBLIC_JWK)

    with pytest.raises(InvalidTransition, match="revoked"):
        timed.rotate_secret(revoked, overlap=0)
    with pytest.raises(InvalidTransition, match="private_key_jwt"):
        timed.rotate_secret(keyed, overlap=0)
    with pytest.raises(NotFound):
        timed.rotate_secret("0" * 32, overlap=0)


def test_a_negative_overlap_is_refused(timed: Clients) -> None:
    client_id, _ = a_secret_client(timed)

    with pytest.raises(InvalidValue, match="overlap"):
        timed.rotate_secret(client_id, overlap=-1)
