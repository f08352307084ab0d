"""A token's parts are read, unverified, to choose how to verify it: whatever it holds, a token
that cannot be read is an InvalidToken (a 401), never an exception the server does not expect."""

from __future__ import annotations

import base64

import pytest

from osezia.web.auth.errors import InvalidToken
from osezia.web.auth.tokens import unverified_parts

HEADER = base64.urlsafe_b64encode(b'{"alg":"ES256"}').decode().rstrip("=")
NESTED = base64.urlsafe_b64encode(b"[" * 5000).decode().rstrip("=")


@pytest.mark.parametrize(
    "token", [f"{HEADER}.{NESTED}.c2ln", f"{NESTED}.e30.c2ln"], ids=["payload", "header"]
)
def test_json_nested_past_the_parsers_depth_is_an_invalid_token(token: str) -> None:
    with pytest.raises(InvalidToken, match="not a signed JWT"):
        unverified_parts(token)
