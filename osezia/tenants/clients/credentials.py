"""Client secrets: generated once, shown once, stored only as a salted scrypt hash.

The secrets are 256 random bits, so the hash is not what resists guessing; it is there so that
a copy of the event log gives nobody a working credential.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt's cost: 16 MiB and ~40 ms per check. The token endpoint is the only caller.
_N, _R, _P = 2**14, 8, 1
_PREFIX = "osezia_"  # lets secret scanners (and people) recognise a leaked osezia secret


def new_client_id() -> str:
    return secrets.token_hex(16)


def new_secret() -> str:
    return _PREFIX + secrets.token_urlsafe(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_secret(secret: str) -> str:
    """``scrypt$n$r$p$salt$hash``: the parameters travel with the hash, so they can change."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


# Checked against when the client is unknown, so that an unknown id costs the same time as a
# wrong secret and response times do not tell which client ids exist.
_DECOY = hash_secret(secrets.token_urlsafe(32))


def secret_matches(secret: str, stored: str | None) -> bool:
    """Does ``secret`` hash to ``stored``? Constant time in the secret; None never matches."""
    scheme, n, r, p, salt, digest = (stored or _DECOY).split("$")
    if scheme != "scrypt":
        raise ValueError(f"unknown secret hash scheme {scheme!r}")
    computed = _scrypt(secret, _unb64(salt), int(n), int(r), int(p))
    return hmac.compare_digest(computed, _unb64(digest)) and stored is not None
