"""The external OpenID Connect provider a deployment may trust (OSEZIA_OIDC_* settings)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OidcProvider:
    """An external OpenID Connect provider whose access tokens the API accepts."""

    issuer: str
    jwks_url: str
    audience: str  # the `aud` its tokens must carry for osezia
    tenant_claim: str  # a claim name, or a dotted path into nested claims
    roles_claim: str
    # For the dashboard's sign-in (authorization code with PKCE): the client osezia is at the
    # provider. Without a client id, people cannot sign in through the provider.
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    # The provider's discovery document (default: the issuer's /.well-known/openid-configuration).
    metadata_url: str | None = None
    scopes: str = "openid profile"

    @property
    def discovery_url(self) -> str:
        return self.metadata_url or (self.issuer.rstrip("/") + "/.well-known/openid-configuration")
