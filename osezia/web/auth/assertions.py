"""`private_key_jwt`: a client proves who it is with a JWT signed by its own private key
(RFC 7523 §2.2 and §3, OpenID Connect Core §9), verified with the public key it registered.

authlib's `JWTBearerClientAssertion` runs the steps. Ours are the policy: the audiences come from
the configured public URL (never from the request), the algorithms from the registered key's type
(never from the assertion's header), and each jti is remembered until its assertion expires.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc.errors import JoseError
from joserfc.jwk import Key, import_key

from osezia.web.auth.errors import InvalidToken, invalid_client
from osezia.web.auth.oauth_client import OAuthClient
from osezia.web.auth.tokens import LEEWAY, unverified_parts, validate_claims, verify_signed

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# Asymmetric algorithms only, chosen by the registered key, never by the assertion's header.
_ALGORITHMS: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("EC", "P-256"): ("ES256",),
    ("EC", "P-384"): ("ES384",),
    ("RSA", None): ("RS256", "PS256"),
    ("OKP", "Ed25519"): ("EdDSA", "Ed25519"),
}
# An assertion is remembered until it expires: a far-off exp is refused so the memory stays
# small (clients usually ask for one minute; some libraries default to an hour).
MAX_LIFETIME = 3600 + LEEWAY

QueryClient = Callable[[str], OAuthClient | None]
FirstUse = Callable[[str, str, float], bool]  # (client_id, jti, exp): never seen before?


class PrivateKeyJWT(JWTBearerClientAssertion):  # type: ignore[misc]
    """The `private_key_jwt` client authentication method of the token endpoint."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audiences: Collection[str], first_use: FirstUse) -> None:
        super().__init__(validate_jti=True, leeway=LEEWAY)
        self._audiences = list(audiences)
        self._first_use = first_use

    def __call__(self, query_client: QueryClient, request: OAuth2Request) -> OAuthClient | None:
        def with_key(client_id: str) -> OAuthClient:
            client = query_client(client_id)
            if client is None or client.client.public_jwk is None:
                raise invalid_client("unknown client, or one without a registered public key")
            return client

        client: OAuthClient | None = super().__call__(with_key, request)
        return client

    def get_audiences(self) -> list[str]:
        return self._audiences

    def extract_assertion(self, assertion: str) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            header, claims = unverified_parts(assertion)
        except InvalidToken as error:
            raise invalid_client(error.description) from None
        if not isinstance(claims.get("sub"), str):
            raise invalid_client("the client assertion has no subject (sub)")
        return header, claims

    def resolve_client_public_key(self, client: OAuthClient) -> Key:
        jwk = client.client.public_jwk or {}
        if _algorithms(jwk) is None:
            raise invalid_client("the client's registered key is of an unsupported type")
        try:
            return import_key(jwk)
        except (JoseError, ValueError):
            raise invalid_client("the client's registered key cannot be read") from None

    def process_assertion_claims(self, assertion: str, key: Key) -> dict[str, Any]:
        algorithms = _algorithms(key.as_dict(private=False)) or ()
        header, unverified = unverified_parts(assertion)
        if header.get("alg") not in algorithms:
            raise invalid_client(f"the assertion must be signed with {' or '.join(algorithms)}")
        try:
            claims = verify_signed(assertion, key, algorithms)
            validate_claims(
                claims,
                issuer=str(unverified["sub"]),
                audiences=self._audiences,
                required=("sub", "jti"),
            )
        except InvalidToken as error:
            raise invalid_client(f"client assertion: {error.description}") from None
        self.verify_claims(claims)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> None:
        """What the signature and the registry leave: iss == sub, a jti, a near exp, first use."""
        if claims.get("sub") != claims.get("iss"):
            raise invalid_client("the assertion's iss and sub must both be the client id")
        jti, exp = claims.get("jti"), claims.get("exp")
        if not isinstance(jti, str) or not jti:
            raise invalid_client("the assertion needs a jti, unique to it")
        assert isinstance(exp, int | float)  # validated as a NumericDate already
        if exp - time.time() > MAX_LIFETIME:
            raise invalid_client(f"the assertion may be valid for {MAX_LIFETIME} seconds at most")
        if not self.validate_jti(claims, jti):
            raise invalid_client("this client assertion was already used (jti)")

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return self._first_use(str(claims["sub"]), jti, float(claims["exp"]))


def _algorithms(jwk: Mapping[str, Any]) -> tuple[str, ...] | None:
    return _ALGORITHMS.get((str(jwk.get("kty", "")), jwk.get("crv")))


async def first_use(pool: asyncpg.Pool, client_id: str, jti: str, exp: float) -> bool:
    """Record this assertion's jti; False if it was recorded before (a replay)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM used_client_assertions WHERE expires_at < now()")
        inserted = await conn.fetchval(
            "INSERT INTO used_client_assertions (client_id, jti, expires_at) "
            "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING true",
            client_id,
            jti,
            datetime.fromtimestamp(exp + LEEWAY, UTC),
        )
    return inserted is True
