"""The API's signing keys: ES256, one current, the replaced ones published until their tokens
have expired, so that a rotation never breaks a valid token.

Rotation: the current key is retired (it signs nothing more) and stays in the JWKS for one token
lifetime plus a margin for clock skew; a new key signs from then on. The token endpoint reads the
current key from the database at each issuance, so every server switches at once.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from joserfc.jwk import ECKey

from osezia.projections.connections import Connection, connect

ALGORITHM = "ES256"
CLOCK_SKEW = timedelta(seconds=60)
_KEYS_LOCK = 0x6F73_6B65  # advisory lock taken to create or rotate the current key


def generate_signing_key() -> ECKey:
    """A P-256 key whose kid is its RFC 7638 thumbprint."""
    return ECKey.generate_key(
        "P-256", parameters={"use": "sig", "alg": ALGORITHM}, private=True, auto_kid=True
    )


def _load(jwk: dict[str, Any]) -> ECKey:
    return ECKey.import_key(jwk)


@dataclass(frozen=True)
class PublishedKey:
    kid: str
    created_at: datetime
    not_after: datetime | None  # None: the current signing key


async def current_signing_key(conn: Connection) -> ECKey:
    """The key that signs new tokens; created on first use."""
    jwk = await conn.fetchval("SELECT private_jwk FROM signing_keys WHERE retired_at IS NULL")
    if jwk is not None:
        return _load(jwk)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _KEYS_LOCK)
        jwk = await conn.fetchval("SELECT private_jwk FROM signing_keys WHERE retired_at IS NULL")
        if jwk is not None:  # another server created it while we waited
            return _load(jwk)
        key = generate_signing_key()
        await _insert(conn, key)
        return key


async def _insert(conn: Connection, key: ECKey) -> None:
    await conn.execute(
        "INSERT INTO signing_keys (kid, private_jwk) VALUES ($1, $2)",
        key.kid,
        key.as_dict(private=True),
    )


async def rotate(conn: Connection, *, token_lifetime: int) -> str:
    """Retire the current key (published for one more token lifetime) and start a new one;
    forget the private halves of keys whose last token has expired. Returns the new kid."""
    overlap = timedelta(seconds=token_lifetime) + CLOCK_SKEW
    key = generate_signing_key()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _KEYS_LOCK)
        await conn.execute(
            "UPDATE signing_keys SET retired_at = now(), not_after = now() + $1 "
            "WHERE retired_at IS NULL",
            overlap,
        )
        await conn.execute("DELETE FROM signing_keys WHERE not_after < now()")
        await _insert(conn, key)
    assert key.kid is not None
    return key.kid


def rotate_signing_key(database_url: str, *, token_lifetime: int = 900) -> str:
    """`osezia keys rotate`: start a new signing key now; returns its kid.

    ``token_lifetime`` must be at least the lifetime the servers issue tokens with
    (OSEZIA_TOKEN_LIFETIME): the retired key stays published that long.
    """

    async def run() -> str:
        conn = await connect(database_url)
        try:
            return await rotate(conn, token_lifetime=token_lifetime)
        finally:
            await conn.close()

    return asyncio.run(run())


async def published_keys(conn: Connection) -> list[tuple[PublishedKey, ECKey]]:
    """Every key whose tokens may still be valid, newest first, as public keys."""
    rows = await conn.fetch(
        "SELECT kid, private_jwk, created_at, not_after FROM signing_keys "
        "WHERE not_after IS NULL OR not_after > now() ORDER BY created_at DESC"
    )
    return [
        (
            PublishedKey(row["kid"], row["created_at"], row["not_after"]),
            ECKey.import_key(_load(row["private_jwk"]).as_dict(private=False)),
        )
        for row in rows
    ]


async def jwks(conn: Connection) -> dict[str, Any]:
    """The JSON Web Key Set served at /.well-known/jwks.json."""
    return {"keys": [key.as_dict(private=False) for _, key in await published_keys(conn)]}


class VerificationKeys:
    """The published keys, by kid, as the verifier needs them: reloaded every ``ttl`` seconds,
    and looked up at once when a token names a kid not seen yet (a key made by a rotation)."""

    def __init__(self, pool: asyncpg.Pool, *, ttl: float = 60.0) -> None:
        self._pool = pool
        self._ttl = ttl
        self._keys: dict[str, ECKey] = {}
        self._loaded_at = float("-inf")

    async def get(self, kid: str) -> ECKey | None:
        if time.monotonic() - self._loaded_at > self._ttl:
            async with self._pool.acquire() as conn:
                keys = await published_keys(conn)
            self._keys = {published.kid: key for published, key in keys}
            self._loaded_at = time.monotonic()
        key = self._keys.get(kid)
        if key is None:
            # One indexed lookup: the signature is checked only once a key is found, so a forged
            # kid costs this query and nothing more.
            async with self._pool.acquire() as conn:
                row = await conn.fetchrow(
                    "SELECT private_jwk FROM signing_keys "
                    "WHERE kid = $1 AND (not_after IS NULL OR not_after > now())",
                    kid,
                )
            if row is not None:
                key = ECKey.import_key(_load(row["private_jwk"]).as_dict(private=False))
                self._keys[kid] = key
        return key
