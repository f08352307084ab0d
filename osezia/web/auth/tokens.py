"""Access tokens as RFC 9068 JWTs: issued to machine clients, verified on every request.

authlib signs them (`AccessTokens`) and validates them (`_AccessTokenCheck`); what is ours is
the claims, the ES256 key looked up by kid, the leeway, and the maximum lifetime."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from authlib.oauth2.rfc6750 import InvalidTokenError
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator, JWTBearerTokenValidator
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.jws import extract_compact
from joserfc.jwt import ClaimsOption

from osezia.web.auth.errors import InvalidToken
from osezia.web.auth.keys import ALGORITHM
from osezia.web.auth.oauth_client import OAuthClient

TOKEN_TYPE = "at+jwt"
LEEWAY = 30  # seconds of clock skew tolerated on exp, nbf and iat
MAX_TOKEN_LENGTH = 8192


class AccessTokens(JWTBearerTokenGenerator):  # type: ignore[misc]
    """authlib's RFC 9068 generator with our claims: ES256 with the current key's kid, `aud` the
    API, `sub` and `client_id` the client, its `tenant` and `roles`, and the granted `scope`."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        lifetime: int,
        signing_key: Callable[[], ECKey],
    ) -> None:
        super().__init__(issuer, alg=ALGORITHM, expires_generator=lifetime)
        self._audience, self._lifetime, self._signing_key = audience, lifetime, signing_key

    def get_jwks(self) -> KeySet:
        # Read at each issuance, so a rotation switches every server at once.
        return KeySet([self._signing_key()])

    def get_audiences(self, client: OAuthClient, user: object, scope: str) -> str:
        return self._audience

    def get_jti(self, client: OAuthClient, grant_type: str, user: object, scope: str) -> str:
        return secrets.token_urlsafe(16)

    def get_extra_claims(
        self, client: OAuthClient, grant_type: str, user: object, scope: str
    ) -> dict[str, Any]:
        # authlib reads the clock for iat and exp apart; one reading here (the extra claims
        # are applied last) keeps nbf == iat and exp - iat == the lifetime, exactly.
        issued_at = int(time.time())
        return {
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + self._lifetime,
            "tenant": client.client.tenant,
            "roles": [client.client.role],
        }


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims, NOT verified: only to choose how to verify."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("the token is too long")
    try:
        compact = extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    # UnicodeError and JSONDecodeError are ValueErrors; a payload nested past the parser's
    # depth raises RecursionError.
    except (JoseError, ValueError, RecursionError):
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
_REQUIRED = ("tenant", "roles")  # beyond the claims RFC 9068 requires


async def verify_access_token(
    token: str, keys: KeyLookup, *, issuer: str, audience: str, max_lifetime: int
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
    claims = _AccessTokenCheck(issuer, audience, key).verified(token)
    check_lifetime(claims, max_lifetime)
    return claims


class _AccessTokenCheck(JWTBearerTokenValidator):  # type: ignore[misc]
    """authlib's RFC 9068 validator, for one token whose key was looked up (asynchronously)
    beforehand: signature, typ, and iss, aud, exp, sub, client_id, iat, jti with our leeway."""

    def __init__(self, issuer: str, audience: str, key: ECKey) -> None:
        super().__init__(issuer, audience)
        self._key = key

    def get_jwks(self) -> ECKey:
        return self._key

    def verified(self, token: str) -> dict[str, Any]:
        try:
            claims = self.authenticate_token(token)
        except InvalidTokenError:
            raise InvalidToken("the token's signature does not verify") from None
        claims.options.update({name: {"essential": True} for name in _REQUIRED})
        try:
            claims.validate(leeway=LEEWAY)
        except ExpiredTokenError:
            raise InvalidToken("the token has expired") from None
        except JoseError as error:
            raise InvalidToken(f"the token's claims are not valid: {error.description}") from None
        return dict(claims)


def check_lifetime(claims: Mapping[str, Any], maximum: int) -> None:
    """Refuse a token meant to last more than ``maximum`` seconds: exp - iat, or exp - now for
    a token without iat. A lax issuer's week-long token, once leaked, would outlive any
    revocation a resource server can notice."""
    exp, iat = claims["exp"], claims.get("iat")
    start = iat if isinstance(iat, int | float) else time.time()
    if exp - start > maximum:
        raise InvalidToken(f"the token is valid for more than {maximum} seconds")
