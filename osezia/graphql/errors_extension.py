"""Errors as a client sees them: expected ones with their code, unexpected ones masked.

An unexpected error is logged with an id, and the client receives only that id: enough for
the operator to find it, nothing for an attacker to learn from.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from osezia.domain.errors import DomainError

log = logging.getLogger("osezia.graphql")


def present(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:  # syntax, validation and limit errors: about the query itself
        return error
    if isinstance(original, DomainError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": original.code},
        )
    error_id = uuid.uuid4().hex[:12]
    log.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
    return GraphQLError(
        f"Unexpected error (id {error_id}); the operator can look it up.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_ERROR", "errorId": error_id},
    )


class PresentErrors(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [present(e) for e in result.errors]
