"""Who is calling, once their credentials have been verified."""

from __future__ import annotations

from dataclasses import dataclass

# The development header naming the caller's tenant (accepted only where enabled); a caller it
# lets in has the subject "x-osezia-tenant:<tenant>".
TENANT_HEADER = "x-osezia-tenant"


@dataclass(frozen=True)
class Principal:
    """The verified caller: the tenant it acts for, its role there, the scopes it was granted,
    and the subject (a client id or an identity provider's user id) for the logs; the machine
    client it is, if one of ours, and when its access token expires (seconds since the epoch),
    which an open websocket must not outlive."""

    tenant: str
    role: str
    scopes: frozenset[str]
    subject: str
    client_id: str | None = None
    expires_at: float | None = None
