"""Access tokens from an external OpenID Connect provider, verified with the provider's published
keys and mapped to an osezia tenant and roles through two configured claims."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from osezia.store.settings import OidcProvider
from osezia.web.auth.errors import InvalidToken
from osezia.web.auth.tokens import check_lifetime, validate_claims, verify_signed

if TYPE_CHECKING:
    # httpx's import loads its command line too (click, rich: 10 MB), and the API needs it
    # only once it fetches a provider's keys: imported then (RemoteKeySet._client).
    import httpx

log = logging.getLogger(__name__)

# Asymmetric algorithms only: a provider's keys are public, so an HMAC "signed" with one of them
# proves nothing.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
_TYPES = {None, "jwt", "at+jwt", "application/at+jwt"}


class RemoteKeySet:
    """The provider's JWKS, fetched with httpx and kept ``ttl`` seconds; a kid not in it causes
    one refetch at most every ``min_refresh`` seconds (the provider may just have rotated; a
    stream of forged kids must not turn into a stream of requests to the provider)."""

    def __init__(
        self,
        url: str,
        *,
        ttl: float = 300.0,
        min_refresh: float = 10.0,
        keys: KeySet | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._url = url
        self._ttl, self._min_refresh = ttl, min_refresh
        self._keys = keys or KeySet([])
        # Injected keys (tests, air-gapped set-ups) are kept until the TTL says otherwise.
        self._fetched_at = time.monotonic() if keys is not None else float("-inf")
        self._http = http  # created by the first fetch
        self._lock = asyncio.Lock()

    async def get(self, kid: str | None) -> Key | None:
        age = time.monotonic() - self._fetched_at
        key = self._find(kid)
        if age > self._ttl or (key is None and age > self._min_refresh):
            await self._refresh()
            key = self._find(kid)
        return key

    def _find(self, kid: str | None) -> Key | None:
        keys = [k for k in self._keys if k.kid == kid and k.get("use", "sig") == "sig"]
        if kid is None and len(self._keys.keys) == 1:
            keys = list(self._keys)
        return keys[0] if keys else None

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at <= self._min_refresh:
                return  # another request refreshed while this one waited
            import httpx

            try:
                response = await self._client().get(
                    self._url, headers={"Accept": "application/json"}
                )
                response.raise_for_status()
                self._keys = _import_keys(response.json())
            except (httpx.HTTPError, ValueError, JoseError) as error:
                # Keep the keys we had: a provider's outage must not log every user out.
                log.warning(
                    "could not fetch the OpenID provider's JWKS from %s: %s", self._url, error
                )
            self._fetched_at = time.monotonic()

    def _client(self) -> httpx.AsyncClient:
        import httpx

        if self._http is None:
            self._http = httpx.AsyncClient(timeout=5.0, follow_redirects=False)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()


def _import_keys(document: Any) -> KeySet:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("the JWKS document has no keys array")
    keys: list[Key] = []
    for jwk in document["keys"]:
        try:
            keys.append(KeySet.import_key_set({"keys": [jwk]}).keys[0])
        except (JoseError, ValueError, KeyError, TypeError):
            continue  # a key type we do not know (or a broken one) is skipped, not fatal
    return KeySet(keys)


@dataclass(frozen=True)
class Identity:
    """What a provider's token says about its bearer, once verified."""

    subject: str
    tenant: str
    roles: tuple[str, ...]
    expires_at: float  # its exp, which validation requires


async def verify_provider_token(
    token: str,
    header: Mapping[str, Any],
    provider: OidcProvider,
    keys: RemoteKeySet,
    *,
    max_lifetime: int,
) -> Identity:
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise InvalidToken(
            f"the provider's tokens must be signed with one of {', '.join(ALGORITHMS)}"
        )
    typ = header.get("typ")
    if (typ.lower() if isinstance(typ, str) else typ) not in _TYPES:
        raise InvalidToken("the token's type is not an access token's")
    kid = header.get("kid")
    key = await keys.get(kid if isinstance(kid, str) else None)
    if key is None:
        raise InvalidToken("the token was signed by a key the provider does not publish")
    claims = verify_signed(token, key, [str(alg)])
    validate_claims(
        claims, issuer=provider.issuer, audiences=[provider.audience], required=("sub",)
    )
    check_lifetime(claims, max_lifetime)
    tenant = _claim(claims, provider.tenant_claim)
    if not isinstance(tenant, str) or not tenant:
        raise InvalidToken(f"the token names no osezia tenant (claim {provider.tenant_claim})")
    roles = _roles(_claim(claims, provider.roles_claim))
    return Identity(str(claims["sub"]), tenant, roles, float(claims["exp"]))


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    """A claim by name, or by a dotted path into nested claims (Keycloak's realm_access.roles)."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _roles(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, Sequence):
        return tuple(v for v in value if isinstance(v, str))
    return ()
