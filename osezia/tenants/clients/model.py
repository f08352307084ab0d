"""Client: a partner network's machine credential, in one of its profile's roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import InvalidTransition, InvalidValue

# Curves and key types a client may sign its assertions with (RFC 7518 §6, RFC 8037).
_CURVES: dict[str, set[str | None]] = {"EC": {"P-256", "P-384"}, "OKP": {"Ed25519"}, "RSA": {None}}
# Members that only a private key has: a client registers its public half, never these.
_PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def check_public_jwk(jwk: Mapping[str, Any]) -> None:
    """A public key a client can sign `private_key_jwt` assertions with (shape only: the
    auth layer, which has the cryptography, imports it before registration)."""
    kty = jwk.get("kty")
    if kty not in _CURVES:
        raise InvalidValue(f"a client's public JWK must have kty EC, OKP or RSA, got {kty!r}")
    if jwk.get("crv") not in _CURVES[kty]:
        raise InvalidValue(f"curve {jwk.get('crv')!r} is not accepted for a {kty} key")
    private = _PRIVATE_MEMBERS & jwk.keys()
    if private:
        raise InvalidValue(
            f"the JWK holds private members ({', '.join(sorted(private))}): "
            "register the public key only, keep the private key with the client"
        )


class Client(Aggregate):
    """A machine client of a tenant. It authenticates with a secret (only its hash is kept) or
    with assertions signed by its registered public key, and obtains tokens in its role."""

    class Registered(Aggregate.Created):
        """A client was created for a tenant; its secret was shown once, its hash kept."""

        client_id: str
        tenant: str
        role: str
        name: str
        secret_hash: str | None
        public_jwk: dict[str, Any] | None

    class Revoked(Aggregate.Event):
        """The client may no longer obtain tokens, and its tokens stop working."""

        reason: str

    @staticmethod
    def create_id(client_id: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"client/{client_id}")

    @event(Registered)
    def __init__(
        self,
        client_id: str,
        tenant: str,
        role: str,
        name: str,
        secret_hash: str | None,
        public_jwk: dict[str, Any] | None,
    ) -> None:
        self.client_id = client_id
        self.tenant = tenant
        self.role = role
        self.name = name
        self.secret_hash = secret_hash
        self.public_jwk = public_jwk
        self.revoked = False

    def revoke(self, reason: str) -> None:
        if self.revoked:
            raise InvalidTransition(f"client {self.client_id} is already revoked")
        self._revoke(reason)

    @event(Revoked)
    def _revoke(self, reason: str) -> None:
        self.revoked = True


class ClientDirectory(Aggregate):
    """The ids of every client a tenant was given, so they can be listed without a scan."""

    class Started(Aggregate.Created):
        tenant: str

    class Added(Aggregate.Event):
        client_id: str

    @staticmethod
    def create_id(tenant: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"client-directory/{tenant}")

    @event(Started)
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.client_ids: list[str] = []

    @event(Added)
    def add(self, client_id: str) -> None:
        self.client_ids.append(client_id)
