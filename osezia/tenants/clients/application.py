"""The machine clients' write API: create, revoke, and check credentials."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.errors import InvalidTransition, InvalidValue, NotFound
from osezia.tenants.clients.credentials import (
    hash_secret,
    new_client_id,
    new_secret,
    secret_matches,
)
from osezia.tenants.clients.model import Client, ClientDirectory, check_public_jwk
from osezia.tenants.model import Tenant, TenantStatus
from osezia.tenants.networks import RegistryApplication
from osezia.tenants.profiles import Profile

# The longest a replaced secret keeps working: the bound OSEZIA_SECRET_OVERLAP has too, so that
# no overlap asked for by hand outlasts what the platform could be configured to allow.
MAX_SECRET_OVERLAP = 30 * 86_400


class Clients(RegistryApplication):
    """Creates and revokes partner machine clients; tells the token endpoint whether a
    credential is good and whether a client may still act (not revoked, tenant active).

    `clock` tells the time secrets' overlaps are judged by (a test's own clock, or now in UTC).
    """

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with)
        self._clock = clock or (lambda: datetime.now(UTC))

    def create_client(
        self, tenant: str, *, role: str, name: str, public_jwk: dict[str, Any] | None = None
    ) -> tuple[str, str | None]:
        """Create a client; return its id and its secret, which exists nowhere else.

        A client registered with a public JWK authenticates with `private_key_jwt` only and gets
        no secret (None).
        """
        # Random values are drawn here, never in an @event body, which is replayed.
        client_id = new_client_id()
        secret = None if public_jwk is not None else new_secret()
        secret_hash = hash_secret(secret) if secret is not None else None

        def run() -> tuple[None, list[Aggregate]]:
            owner = self._active_tenant(tenant)
            roles = Profile.from_data(owner.profile).roles
            if role not in roles:
                raise InvalidValue(
                    f"role {role!r} is not one of tenant {tenant}'s roles: "
                    + ", ".join(sorted(roles))
                )
            if not name.strip() or len(name) > 100:
                raise InvalidValue("a client needs a name of 1 to 100 characters")
            if public_jwk is not None:
                check_public_jwk(public_jwk)
            client = Client(
                client_id=client_id,
                tenant=tenant,
                role=role,
                name=name.strip(),
                secret_hash=secret_hash,
                public_jwk=public_jwk,
            )
            directory = self.find(ClientDirectory.create_id(tenant), ClientDirectory)
            directory = directory or ClientDirectory(tenant)
            directory.add(client_id)
            return None, [client, directory]

        self.execute(tenant, None, "create_client", (tenant, role, name), run)
        return client_id, secret

    def revoke_client(self, client_id: str, *, reason: str) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            client = self.get_client(client_id)
            client.revoke(reason)
            return None, [client]

        self.execute("operator", None, "revoke_client", (client_id, reason), run)

    def rotate_secret(self, client_id: str, *, overlap: int) -> tuple[str, datetime]:
        """Give a client a new secret; return it (it exists nowhere else) and the moment its
        previous secret stops working, `overlap` seconds from now (0: at once)."""
        if not 0 <= overlap <= MAX_SECRET_OVERLAP:
            raise InvalidValue(
                f"the overlap is a number of seconds from 0 to {MAX_SECRET_OVERLAP} (30 days), "
                f"got {overlap}"
            )
        secret = new_secret()  # drawn and hashed here, never in an @event body
        secret_hash = hash_secret(secret)
        until = self._clock() + timedelta(seconds=overlap)

        def run() -> tuple[None, list[Aggregate]]:
            client = self.get_client(client_id)
            client.rotate_secret(secret_hash, until)
            return None, [client]

        self.execute("operator", None, "rotate_secret", (client_id, overlap), run)
        return secret, until

    def get_client(self, client_id: str) -> Client:
        client = self.find(Client.create_id(client_id), Client)
        if client is None:
            raise NotFound(f"no client {client_id!r}")
        return client

    def list_clients(self, tenant: str) -> list[Client]:
        directory = self.find(ClientDirectory.create_id(tenant), ClientDirectory)
        return [self.get_client(c) for c in (directory.client_ids if directory else [])]

    def active_client(self, client_id: str) -> Client | None:
        """The client, if it may obtain and use tokens: not revoked, its tenant active."""
        client = self.find(Client.create_id(client_id), Client)
        if client is None or client.revoked:
            return None
        tenant = self.find(Tenant.create_id(client.tenant), Tenant)
        if tenant is None or tenant.status is not TenantStatus.ACTIVE:
            return None
        return client

    def authenticate_secret(self, client_id: str, secret: str) -> Client | None:
        """The active client whose id and secret these are, or None (whatever the reason, so
        that a caller learns nothing about which client ids exist)."""
        client = self.active_client(client_id)
        stored = client.secret_hash if client is not None else None
        # Hashed even when the client is unknown (against a decoy), so timing says nothing.
        if secret_matches(secret, stored):
            return client
        previous = client.previous_secret_hash_at(self._clock()) if client is not None else None
        # A second hash only during an overlap: the time it takes tells a caller no more than
        # that the client was just rotated.
        return client if previous is not None and secret_matches(secret, previous) else None

    def _active_tenant(self, slug: str) -> Tenant:
        tenant = self.find(Tenant.create_id(slug), Tenant)
        if tenant is None:
            raise NotFound(f"no tenant {slug!r}")
        if tenant.status is not TenantStatus.ACTIVE:
            raise InvalidTransition(f"tenant {slug} is {tenant.status}: it cannot get clients")
        return tenant
