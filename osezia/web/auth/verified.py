"""Our own access tokens' verified claims, kept until the token expires.

Verifying an ES256 signature and the claims costs more than the rest of a small query; a
partner's script sends the same token for its whole life. Its claims are kept, keyed by the
token's SHA-256 (the token itself is not held), until its `exp`: after that, the token is
verified again, and refused.

What may change while a token lives is checked on every request all the same: whether its
client was revoked and its tenant suspended, and the role's scopes (`Standing`, a few seconds).
A signing key is not withdrawn while a token it signed may live (a rotation keeps the old key
published until `not_after`, past the longest lifetime), so no kept claims outlive their key.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

MAX_KEPT = 10_000  # tokens; beyond, the least recently used are verified again


class VerifiedClaims:
    def __init__(self, size: int = MAX_KEPT, clock: Callable[[], float] = time.time) -> None:
        self._size, self._clock = size, clock
        self._kept: OrderedDict[bytes, Mapping[str, Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, token: str) -> Mapping[str, Any] | None:
        """The claims verified before, while the token has not expired."""
        key = _key(token)
        claims = self._kept.get(key)
        if claims is None:
            return None
        if self._clock() >= float(claims["exp"]):
            del self._kept[key]
            return None
        self._kept.move_to_end(key)
        return claims

    def keep(self, token: str, claims: Mapping[str, Any]) -> None:
        """Keep the claims of a token that was just verified."""
        if not isinstance(claims.get("exp"), int | float):
            return
        self._kept[_key(token)] = claims
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)


def _key(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
