"""A rotation's overlap is bounded, so that a mistyped one is refused with a clear message
instead of overflowing the clock."""

from __future__ import annotations

import pytest

from osezia.domain.errors import InvalidValue
from osezia.domain.platform import Platform
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import MAX_SECRET_OVERLAP, Clients


@pytest.fixture
def clients(platform: Platform, tenants: Tenants, store_env: dict[str, str]) -> Clients:
    return Clients(env=store_env, share_with=platform.companies)


@pytest.mark.parametrize("overlap", [MAX_SECRET_OVERLAP + 1, 10**15])
def test_an_overlap_beyond_the_bound_is_refused(clients: Clients, overlap: int) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="rotated")
    assert secret is not None

    with pytest.raises(InvalidValue, match="overlap"):
        clients.rotate_secret(client_id, overlap=overlap)
    assert clients.authenticate_secret(client_id, secret) is not None  # nothing was rotated


def test_the_longest_overlap_is_granted(clients: Clients) -> None:
    client_id, old = clients.create_client("cci", role="officer", name="rotated")
    assert old is not None

    new, _ = clients.rotate_secret(client_id, overlap=MAX_SECRET_OVERLAP)

    assert clients.authenticate_secret(client_id, new) is not None
    assert clients.authenticate_secret(client_id, old) is not None
