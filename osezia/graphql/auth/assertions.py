"""`private_key_jwt`: a client proves who it is with a JWT signed by its own private key
(RFC 7523 §2.2 and §3, OpenID Connect Core §9), verified with the public key it registered."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime

import asyncpg
from joserfc.errors import JoseError
from joserfc.jwk import Key, import_key

from osezia.graphql.auth.errors import InvalidToken, invalid_client
from osezia.graphql.auth.tokens import LEEWAY, unverified_parts, validate_claims, verify_signed
from osezia.tenants.clients.model import Client

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

FindClient = Callable[[str], Awaitable[Client | None]]


async def authenticate_assertion(
    assertion: str, *, audiences: Collection[str], find_client: FindClient, pool: asyncpg.Pool
) -> Client:
    """The active client that signed ``assertion`` for us, checked once and only once."""
    try:
        header, unverified = unverified_parts(assertion)
    except InvalidToken as error:
        raise invalid_client(error.description) from None
    client_id = unverified.get("sub")
    if not isinstance(client_id, str):
        raise invalid_client("the client assertion has no subject (sub)")
    client = await find_client(client_id)
    if client is None or client.public_jwk is None:
        raise invalid_client("unknown client, or one without a registered public key")
    key, algorithms = _registered_key(client)
    if header.get("alg") not in algorithms:
        raise invalid_client(f"the assertion must be signed with {' or '.join(algorithms)}")
    try:
        claims = verify_signed(assertion, key, algorithms)
        validate_claims(claims, issuer=client_id, audiences=audiences, required=("sub", "jti"))
    except InvalidToken as error:
        raise invalid_client(f"client assertion: {error.description}") from None
    _check(claims, client_id)
    if not await _first_use(pool, client_id, str(claims["jti"]), claims["exp"]):
        raise invalid_client("this client assertion was already used (jti)")
    return client


def _registered_key(client: Client) -> tuple[Key, tuple[str, ...]]:
    jwk = client.public_jwk or {}
    algorithms = _ALGORITHMS.get((jwk.get("kty", ""), jwk.get("crv")))
    if algorithms is None:
        raise invalid_client("the client's registered key is of an unsupported type")
    try:
        return import_key(jwk), algorithms
    except (JoseError, ValueError):
        raise invalid_client("the client's registered key cannot be read") from None


def _check(claims: dict[str, object], client_id: str) -> None:
    if claims.get("sub") != client_id:
        raise invalid_client("the assertion's iss and sub must both be the client id")
    jti, exp = claims.get("jti"), claims.get("exp")
    if not isinstance(jti, str) or not jti:
        raise invalid_client("the assertion needs a jti, unique to it")
    assert isinstance(exp, int | float)  # validated as a NumericDate already
    if exp - time.time() > MAX_LIFETIME:
        raise invalid_client(f"the assertion may be valid for {MAX_LIFETIME} seconds at most")


async def _first_use(pool: asyncpg.Pool, client_id: str, jti: str, exp: float) -> bool:
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
