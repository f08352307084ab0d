"""Access tokens as RFC 9068 JWTs: issued to machine clients, verified on every request."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import ECKey
from joserfc.jws import extract_compact
from joserfc.jwt import ClaimsOption

from osezia.graphql.auth.errors import InvalidToken
from osezia.graphql.auth.keys import ALGORITHM

TOKEN_TYPE = "at+jwt"
LEEWAY = 30  # seconds of clock skew tolerated on exp, nbf and iat
MAX_TOKEN_LENGTH = 8192


def issue_access_token(
    key: ECKey,
    *,
    issuer: str,
    audience: str,
    client_id: str,
    tenant: str,
    role: str,
    scopes: Collection[str],
    lifetime: int,
    now: int | None = None,
) -> str:
    """A JWT access token per RFC 9068 §2, signed ES256 with ``key``'s kid in its header."""
    issued_at = int(time.time()) if now is None else now
    header = {"typ": TOKEN_TYPE, "alg": ALGORITHM, "kid": key.kid}
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": client_id,  # no resource owner in the client-credentials grant (RFC 9068 §2.2)
        "client_id": client_id,
        "exp": issued_at + lifetime,
        "iat": issued_at,
        "nbf": issued_at,
        "jti": secrets.token_urlsafe(16),
        "tenant": tenant,
        "roles": [role],
        "scope": " ".join(sorted(scopes)),
    }
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims, NOT verified: only to choose how to verify."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("the token is too long")
    try:
        compact = extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError):  # UnicodeError and JSONDecodeError are ValueErrors
        raise InvalidToken("the token is not a signed JWT") from None
    if not isinstance(claims, dict):
        raise InvalidToken("the token's payload is not a JSON object")
    return compact.headers(), claims


def verify_signed(token: str, key: Any, algorithms: Collection[str]) -> dict[str, Any]:
    try:
        return jwt.decode(token, key, algorithms=list(algorithms)).claims
    except JoseError:
        raise InvalidToken("the token's signature does not verify") from None


def validate_claims(
    claims: dict[str, Any], *, issuer: str, audiences: Collection[str], required: Collection[str]
) -> None:
    """iss is ``issuer``, aud names one of ``audiences``, exp/nbf/iat hold (with leeway), and
    every ``required`` claim is present."""
    options: dict[str, ClaimsOption] = {name: {"essential": True} for name in required}
    options["iss"] = {"essential": True, "value": issuer}
    options["aud"] = {"essential": True, "values": list(audiences)}
    options["exp"] = {"essential": True}
    registry = jwt.JWTClaimsRegistry(None, LEEWAY, **options)
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise InvalidToken("the token has expired") from None
    except JoseError as error:
        raise InvalidToken(f"the token's claims are not valid: {error.description}") from None


KeyLookup = Callable[[str], Awaitable[ECKey | None]]


async def verify_access_token(
    token: str, keys: KeyLookup, *, issuer: str, audience: str
) -> dict[str, Any]:
    """The claims of one of our own access tokens, once every check has passed.

    Only ES256 is accepted, named explicitly: a token whose header says `none`, or HS256 (with
    our public key used as an HMAC secret), is refused before any key is touched.
    """
    header, _ = unverified_parts(token)
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"only {ALGORITHM} tokens are accepted")
    typ = str(header.get("typ", "")).lower().removeprefix("application/")
    if typ != TOKEN_TYPE:
        raise InvalidToken(f"the token's type must be {TOKEN_TYPE} (RFC 9068)")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise InvalidToken("the token names no key (kid)")
    key = await keys(kid)
    if key is None:
        raise InvalidToken("the token was signed by an unknown key")
    claims = verify_signed(token, key, [ALGORITHM])
    validate_claims(
        claims,
        issuer=issuer,
        audiences=[audience],
        required=("iat", "sub", "client_id", "jti", "tenant", "roles"),
    )
    return claims
