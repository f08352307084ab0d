"""A request refused as a whole, before GraphQL runs it, answered as GraphQL's errors are:
`{"errors": [{"message": …, "extensions": {"code": …}}]}`."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse, Response


class Refused(Exception):
    """Raised where a request is found unanswerable; the view answers `response()`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> Response:
        return refusal(self.status, self.code, self.message)


def refusal(
    status: int,
    code: str,
    message: str,
    *,
    extensions: Mapping[str, object] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    error = {"message": message, "extensions": {"code": code, **(extensions or {})}}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)
