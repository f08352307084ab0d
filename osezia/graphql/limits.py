"""What a request may ask for: depth, aliases, tokens, and the cost of connections.

A connection's cost is its page size (`first`, or the default) multiplied by the page sizes of
the connections it sits in: a page of 100 companies inside a page of 100 events costs 10,000.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from graphql import FieldNode, GraphQLError, ValidationContext, ValidationRule
from graphql.language import IntValueNode, VariableNode
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from osezia.projections.paging import MAX_PAGE

MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2000
MAX_COST = 1000  # rows: ten full pages
DEFAULT_FIRST = 20
MAX_INT = 2**31 - 1  # GraphQL's Int


class ConnectionCost(ValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._stack: list[int] = [1]
        self._total = 0

    def _first(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                # Counted within an Int's range (validation refuses what lies beyond, and
                # Python's int() refuses 4,300 digits); a negative page adds no cost of its own.
                digits = value.value.lstrip("-")
                if len(digits) > len(str(MAX_INT)):
                    return 0 if value.value.startswith("-") else MAX_INT
                return min(max(int(value.value), 0), MAX_INT)
            if isinstance(value, VariableNode):
                return MAX_PAGE  # validation runs before variables are known: the worst case
        return None

    def enter_field(self, node: FieldNode, *_: object) -> None:
        first = self._first(node)
        is_connection = first is not None or (
            node.selection_set is not None
            and any(
                isinstance(s, FieldNode) and s.name.value in {"edges", "totalCount"}
                for s in node.selection_set.selections
            )
        )
        multiplier = (first or DEFAULT_FIRST) if is_connection else 1
        self._stack.append(self._stack[-1] * multiplier)
        if is_connection:
            self._total += self._stack[-1]
            if self._total > MAX_COST:
                self.report_error(
                    GraphQLError(
                        f"this query may return up to {self._total} rows; the limit is "
                        f"{MAX_COST}: ask for smaller pages (`first`) or fewer nested lists",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY"},
                    )
                )

    def leave_field(self, *_: object) -> None:
        self._stack.pop()


def limits() -> list[Callable[[], SchemaExtension]]:
    """Extension factories: strawberry builds fresh instances for each request."""
    return [
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(AddValidationRules, [ConnectionCost]),
    ]
