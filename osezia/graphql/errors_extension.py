"""Errors as a client sees them: expected ones with their code, unexpected ones masked.

An unexpected error is logged once, with its traceback and an id, and the client receives only
that id and the request's id: enough for the operator to find it, nothing for an attacker to
learn from. Expected errors (a DomainError, a refused value or document, a busy database) are
the client's business: they are not logged. PresentErrors is strawberry's own MaskErrors
extension, which masks what `is_unexpected` says, with our id and codes. strawberry's schema
hands every error to its `process_errors` before the extensions present them (its own logs each
with a traceback); LoggingSchema's logs the unexpected ones only, each with the id that their
masking then reuses.

Two kinds of error carry an exception and are still the client's to read: a value the request
gave that its type refuses (a variable of the wrong type, an Int beyond 32 bits, an unknown
enum value, a date that does not exist), reported at its place in the document before anything
runs; and a database too busy to answer in time, which the client may simply retry.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid

import asyncpg
import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from osezia.domain.errors import DomainError
from osezia.observability.logs import current, note

log = logging.getLogger("osezia.graphql")

# A statement cut by statement_timeout, a lock not granted within lock_timeout, a pool with no
# connection free in time: the same request succeeds once the load passes.
TRANSIENT: tuple[type[BaseException], ...] = (
    asyncpg.QueryCanceledError,
    asyncpg.LockNotAvailableError,
    TimeoutError,
)
RETRY_WHEN_BUSY_SECONDS = 5

# graphql-core's "Did you mean …?" names fields, arguments, types and enum values of the schema.
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# What a client reads of an unexpected error.
MASKED = "Unexpected error (id {error_id}); the operator can look it up."


class TemporarilyUnavailable(DomainError):
    """The database, or a connection to it, was not to be had in time: the same request
    succeeds once the load passes."""

    code = "TEMPORARILY_UNAVAILABLE"


def is_transient(error: BaseException | None) -> bool:
    return isinstance(error, TRANSIENT)


def busy() -> TemporarilyUnavailable:
    return TemporarilyUnavailable(
        f"the database is too busy to answer now: retry in {RETRY_WHEN_BUSY_SECONDS} seconds"
    )


def is_expected(error: GraphQLError) -> bool:
    """Whether the error is the client's to read (`explained` gives it a code), not a fault."""
    original = error.original_error
    return (
        original is None
        or isinstance(original, DomainError)
        or is_transient(original)
        or (error.path is None and bool(error.nodes))
    )


def is_unexpected(error: GraphQLError) -> bool:
    """A fault of ours: masked, with an id the operator finds in the log."""
    return not is_expected(error)


_ERROR_ID = "_osezia_error_id"


def _error_id(original: BaseException) -> tuple[str, bool]:
    """The unexpected error's id, and whether it was made now (the error not yet logged)."""
    found = getattr(original, _ERROR_ID, None)
    if isinstance(found, str):
        return found, False
    found = uuid.uuid4().hex[:12]
    with contextlib.suppress(AttributeError, TypeError):  # one that takes no attribute
        setattr(original, _ERROR_ID, found)
    return found, True


def log_unexpected(error: GraphQLError) -> str:
    """Log a fault of ours once, with its traceback and the id the client is given; the id."""
    original = error.original_error or error
    error_id, new = _error_id(original)
    note(error_id=error_id)
    if new:
        log.error(
            "unexpected error %s at %s",
            error_id,
            error.path,
            exc_info=original,
            extra={"error_id": error_id},
        )
    return error_id


class LoggingSchema(strawberry.Schema):
    """strawberry's Schema, whose `process_errors` (called with every error of an operation,
    before the extensions present them) logs the unexpected ones only: an expected error is the
    client's, and its traceback would only bury the faults in the log."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if is_unexpected(error):
                log_unexpected(error)


def present(error: GraphQLError, *, suggestions: bool = True) -> GraphQLError:
    """The error as the client receives it: masked with an id when unexpected, else with its
    code (see PresentErrors)."""
    if is_expected(error):
        return explained(error, suggestions=suggestions)
    return masked(error)


def explained(error: GraphQLError, *, suggestions: bool = True) -> GraphQLError:
    """An expected error with the code the client acts on; with `suggestions=False`, without
    graphql-core's "Did you mean …?"."""
    original = error.original_error
    if original is None:  # syntax, validation and limit errors: about the query itself
        return error if suggestions else _without_suggestions(error)
    if isinstance(original, DomainError):
        return _coded(error, original.message, original.code)
    if is_transient(original):
        return _coded(error, busy().message, TemporarilyUnavailable.code)
    # Raised at a place in the document before any field ran: a value the request gave (a
    # literal or a variable) that its type refused while coercing it.
    message = error.message if suggestions else SUGGESTION.sub("", error.message)
    return _coded(error, message, "INVALID_VALUE")


def masked(error: GraphQLError) -> GraphQLError:
    """An unexpected error: logged once, with its traceback, and replaced by its id and the
    request's id."""
    error_id = log_unexpected(error)  # already logged by LoggingSchema: the same id, no line
    extensions = {"code": "INTERNAL_ERROR", "errorId": error_id}
    request = current()
    if request is not None:
        extensions["requestId"] = request.request_id
    return GraphQLError(
        MASKED.format(error_id=error_id),
        nodes=error.nodes,
        path=error.path,
        extensions=extensions,
    )


def _coded(error: GraphQLError, message: str, code: str) -> GraphQLError:
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions={"code": code})


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    message = SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=error.extensions)


class PresentErrors(MaskErrors):
    """strawberry's MaskErrors, masking the unexpected errors of an operation (and of each
    streamed result) with an id, and presenting the expected ones with their code; with
    `suggestions=False` (production), without graphql-core's "Did you mean …?", which would
    spell out the schema that introspection hides."""

    def __init__(self, *, suggestions: bool = True) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED)
        self.suggestions = suggestions

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error)

    def _process_result(self, result: object) -> None:
        # MaskErrors asks isinstance() of a runtime-checkable Protocol, about 1 % of an
        # uncached read's CPU: the one attribute it checks for is read directly.
        errors = getattr(result, "errors", None)
        if errors:
            setattr(result, "errors", self._process_errors(errors))  # noqa: B010

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        # MaskErrors passes the errors it does not mask through unchanged: ours get their code.
        return [
            self.anonymise_error(e)
            if self.should_mask_error(e)
            else explained(e, suggestions=self.suggestions)
            for e in errors
        ]
