"""Client: a partner network's machine credential, in one of its profile's roles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
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

    class SecretRotated(Aggregate.Event):
        """The client was given a new secret (shown once, its hash kept); the secret it had
        until then keeps working until `previous_valid_until`, then never again."""

        secret_hash: str
        previous_valid_until: datetime

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
        self.previous_secret_hash: str | None = None
        self.previous_valid_until: datetime | None = None

    def revoke(self, reason: str) -> None:
        if self.revoked:
            raise InvalidTransition(f"client {self.client_id} is already revoked")
        self._revoke(reason)

    @event(Revoked)
    def _revoke(self, reason: str) -> None:
        self.revoked = True

    def rotate_secret(self, secret_hash: str, previous_valid_until: datetime) -> None:
        """Give the client a new secret. The one it replaces works until
        `previous_valid_until`; a secret replaced earlier stops at once, whatever was left of
        its overlap: a client has at most two working secrets, so a rotation after a leak
        (rotate twice) leaves the leaked one nothing."""
        self.check_has_a_secret()
        self._rotate_secret(secret_hash, previous_valid_until)

    def check_has_a_secret(self) -> None:
        if self.revoked:
            raise InvalidTransition(f"client {self.client_id} is revoked: create another one")
        if self.secret_hash is None:
            raise InvalidTransition(
                f"client {self.client_id} authenticates with private_key_jwt: "
                "it has no secret to rotate"
            )

    @event(SecretRotated)
    def _rotate_secret(self, secret_hash: str, previous_valid_until: datetime) -> None:
        self.previous_secret_hash = self.secret_hash
        self.previous_valid_until = previous_valid_until
        self.secret_hash = secret_hash

    def previous_secret_hash_at(self, now: datetime) -> str | None:
        """The replaced secret's hash while its overlap lasts, else None."""
        until = self.previous_valid_until
        return self.previous_secret_hash if until is not None and now < until else None


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
