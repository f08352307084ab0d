"""An osezia machine client as authlib's authorization server sees it."""

from __future__ import annotations

from authlib.oauth2.rfc6749 import ClientMixin

from osezia.tenants.clients.model import Client

GRANT_TYPE = "client_credentials"


class OAuthClient(ClientMixin):  # type: ignore[misc]
    """authlib's client model over ours: only the client-credentials grant, at the token endpoint.

    Its scopes come from its role in its tenant's profile, checked by the grant before a token is
    made (see `server.ClientCredentials`), so `get_allowed_scope` passes the granted ones through.
    """

    def __init__(self, client: Client) -> None:
        self.client = client

    def get_client_id(self) -> str:
        return self.client.client_id

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE
