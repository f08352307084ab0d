"""From a request's headers to a Principal: our own access tokens, an OpenID provider's, or (in
development, when explicitly enabled) the `X-Osezia-Tenant` header."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from osezia.domain.errors import DomainError
from osezia.graphql.principal import TENANT_HEADER, Principal
from osezia.store.settings import Settings
from osezia.tenants.model import check_slug
from osezia.web.auth.errors import InvalidToken
from osezia.web.auth.keys import VerificationKeys
from osezia.web.auth.oidc import RemoteKeySet, verify_provider_token
from osezia.web.auth.standing import Roles, Standing
from osezia.web.auth.tokens import unverified_parts, verify_access_token
from osezia.web.auth.verified import VerifiedClaims


class Authenticator:
    """Verifies the bearer token of each request; raises InvalidToken (a 401) otherwise."""

    def __init__(
        self,
        settings: Settings,
        keys: VerificationKeys,
        standing: Standing,
        provider_keys: RemoteKeySet | None = None,
    ) -> None:
        self._settings, self._keys, self._standing = settings, keys, standing
        self._provider_keys = provider_keys
        self._verified = VerifiedClaims()  # our own tokens' claims, until they expire

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        authorization = headers.get("authorization")
        if authorization is None:
            tenant = headers.get(TENANT_HEADER)
            if tenant and self._settings.dev_tenant_header and not self._settings.is_production:
                return await self._developer(tenant)
            raise InvalidToken("an access token is required", error=None)
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("the Authorization header must be `Bearer <access token>`")
        token = token.strip()
        if (verified := self._verified.get(token)) is not None:
            return await self._principal(verified)
        header, claims = unverified_parts(token)
        issuer = claims.get("iss")
        if issuer == self._settings.issuer:
            return await self._own(token)
        provider = self._settings.oidc
        if provider is not None and self._provider_keys is not None and issuer == provider.issuer:
            return await self._from_provider(token, header)
        raise InvalidToken("the token's issuer is not trusted")

    async def _own(self, token: str) -> Principal:
        settings = self._settings
        claims = await verify_access_token(
            token,
            self._keys.get,
            issuer=settings.issuer,
            audience=settings.audience,
            max_lifetime=settings.max_token_lifetime,
        )
        self._verified.keep(token, claims)
        return await self._principal(claims)

    async def _principal(self, claims: Mapping[str, Any]) -> Principal:
        """The caller of one of our tokens, as its client and tenant stand now."""
        client = await self._standing.client(str(claims["client_id"]))
        if client is None or client.tenant != claims["tenant"]:
            raise InvalidToken("the client was revoked, or its tenant suspended")
        roles = await self._standing.tenant_roles(client.tenant) or {}
        # The profile may have changed since issuance: grant what the role still allows.
        granted = frozenset(str(claims.get("scope", "")).split())
        scopes = granted & roles.get(client.role, frozenset())
        return Principal(
            client.tenant,
            client.role,
            scopes,
            client.client_id,
            client_id=client.client_id,
            expires_at=float(claims["exp"]),
        )

    async def _from_provider(self, token: str, header: dict[str, Any]) -> Principal:
        assert self._settings.oidc is not None
        assert self._provider_keys is not None
        identity = await verify_provider_token(
            token,
            header,
            self._settings.oidc,
            self._provider_keys,
            max_lifetime=self._settings.max_token_lifetime,
        )
        roles = await self._tenant_roles(identity.tenant)
        known = [role for role in identity.roles if role in roles]
        if not known:
            raise InvalidToken(f"the token grants no role of tenant {identity.tenant}")
        role = _strongest(known, roles)
        scopes = frozenset().union(*(roles[r] for r in known))
        return Principal(
            identity.tenant, role, scopes, identity.subject, expires_at=identity.expires_at
        )

    async def _developer(self, tenant: str) -> Principal:
        roles = await self._tenant_roles(tenant)
        role = "admin" if "admin" in roles else _strongest(list(roles), roles)
        return Principal(tenant, role, roles[role], f"{TENANT_HEADER}:{tenant}")

    async def _tenant_roles(self, tenant: str) -> Roles:
        try:
            check_slug(tenant)
        except DomainError:
            raise InvalidToken(f"no tenant {tenant!r}") from None
        roles = await self._standing.tenant_roles(tenant)
        if not roles:
            raise InvalidToken(f"tenant {tenant} is unknown, suspended or offboarded")
        return roles


def _strongest(candidates: list[str], roles: Roles) -> str:
    return max(candidates, key=lambda role: (len(roles[role]), role))
