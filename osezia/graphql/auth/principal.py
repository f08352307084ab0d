"""Who is calling, once their credentials have been verified."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    """The verified caller: the tenant it acts for, its role there, the scopes it was granted,
    and the subject (a client id or an identity provider's user id) for the logs."""

    tenant: str
    role: str
    scopes: frozenset[str]
    subject: str
