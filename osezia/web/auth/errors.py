"""The two ways auth says no: a request without a valid access token (RFC 6750 §3), and a
token request the authorization server refuses (RFC 6749 §5.2)."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse, Response

# Token responses, good or bad, must not be cached (RFC 6749 §5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _quotable(text: str) -> str:
    # Quoted-string values in a challenge may not hold quotes, backslashes or controls.
    return re.sub(r'["\\\x00-\x1f\x7f]', "", text)


class InvalidToken(Exception):
    """The request does not carry a valid access token: HTTP 401 with a Bearer challenge.

    With no credentials at all, the challenge carries no error code (RFC 6750 §3.1).
    """

    def __init__(self, description: str, *, error: str | None = "invalid_token") -> None:
        super().__init__(description)
        self.description = description
        self.error = error

    def response(self) -> Response:
        challenge = 'Bearer realm="osezia"'
        if self.error is not None:
            challenge += (
                f', error="{self.error}", error_description="{_quotable(self.description)}"'
            )
        body = {"error": self.error or "invalid_request", "error_description": self.description}
        return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": challenge})


class TokenRequestError(Exception):
    """A refused token request, answered as RFC 6749 §5.2 says: `invalid_client` is a 401 with
    a challenge, `temporarily_unavailable` a 503 saying when to retry, every other error a 400."""

    def __init__(self, error: str, description: str, *, retry_after: int = 1) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.retry_after = retry_after

    def response(self) -> Response:
        headers = dict(NO_STORE)
        status = 400
        if self.error == "invalid_client":
            status = 401
            headers["WWW-Authenticate"] = 'Basic realm="osezia"'
        elif self.error == "temporarily_unavailable":
            status = 503
            headers["Retry-After"] = str(self.retry_after)
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status_code=status, headers=headers)


def invalid_client(description: str) -> TokenRequestError:
    return TokenRequestError("invalid_client", description)
