"""What a request may ask for: depth, aliases, tokens, and the cost of connections; and each
document parsed and validated once, however often it is asked.

A connection's cost is its page size (`first` or `last`, or the default) multiplied by the page
sizes of the connections it sits in: a page of 100 companies inside a page of 100 events costs
10,000.

The limit rules are classes built once, with the module: strawberry's own limiters build a new
rule class per request, which no validation cache can recognise. A document's parse is kept
(`parsed`, shared with the view, which reads the operation from it), and so is its validation
against the same rules (strawberry's ValidationCache, keyed by the parsed document).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
    parse,
)
from graphql.language import IntValueNode, VariableNode, Visitor, visit
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from osezia.projections.paging import DEFAULT_PAGE, MAX_PAGE

MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2000
MAX_COST = 1000  # rows: ten full pages
MAX_INT = 2**31 - 1  # GraphQL's Int
KEPT_DOCUMENTS = 1024  # parsed documents, and their validations, remembered
_PAGE_ARGUMENTS = frozenset({"first", "last"})


def _page_size(node: FieldNode) -> int | None:
    """The page a field asks for (`first` or `last`), or None when it names none."""
    for argument in node.arguments or ():
        if argument.name.value not in _PAGE_ARGUMENTS:
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


class _Rows:
    """The rows a document may return, counted field by field as it is walked."""

    def __init__(self) -> None:
        self.stack: list[int] = [1]
        self.total = 0

    def enter(self, node: FieldNode) -> bool:
        """Count the field; whether it is a connection."""
        first = _page_size(node)
        is_connection = first is not None or (
            node.selection_set is not None
            and any(
                isinstance(s, FieldNode) and s.name.value in {"edges", "totalCount"}
                for s in node.selection_set.selections
            )
        )
        multiplier = (first or DEFAULT_PAGE) if is_connection else 1
        self.stack.append(self.stack[-1] * multiplier)
        if is_connection:
            self.total += self.stack[-1]
        return is_connection

    def leave(self) -> None:
        self.stack.pop()


class ConnectionCost(ValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._rows = _Rows()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if self._rows.enter(node) and self._rows.total > MAX_COST:
            self.report_error(
                GraphQLError(
                    f"this query may return up to {self._rows.total} rows; the limit is "
                    f"{MAX_COST}: ask for smaller pages (`first` or `last`) or fewer nested "
                    "lists",
                    node,
                    extensions={"code": "QUERY_TOO_COSTLY"},
                )
            )

    def leave_field(self, *_: object) -> None:
        self._rows.leave()


class _Counting(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.rows = _Rows()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.rows.enter(node)

    def leave_field(self, *_: object) -> None:
        self.rows.leave()


def operation_cost(operation: OperationDefinitionNode, document: DocumentNode) -> int:
    """What running the operation may cost: one, and the rows its connections may return,
    counted as ConnectionCost counts them (a fragment's where it is defined, at most once); at
    most one more than MAX_COST, since validation refuses a dearer document before it runs."""
    counting = _Counting()
    visit(operation, counting)
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            visit(definition, counting)
    return 1 + min(counting.rows.total, MAX_COST)


@lru_cache(maxsize=KEPT_DOCUMENTS)
def _parse(document: str) -> DocumentNode:
    return parse(document, max_tokens=MAX_TOKENS)


def parsed(document: str) -> DocumentNode | None:
    """The document parsed within the token limit, once for all the requests that send it;
    None when it does not parse (strawberry then parses it again, to say why)."""
    try:
        return _parse(document)
    except GraphQLError:
        return None


class ParseOnce(SchemaExtension):
    """Hands strawberry the document already parsed (by an earlier request, or by the view)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = parsed(context.query)
        yield


# Built once: the same classes for every request, so a validation is found again.
RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ConnectionCost,
]


def limits() -> list[Callable[[], SchemaExtension]]:
    """Extension factories: strawberry builds fresh instances for each request, of the same
    rules."""
    return [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),  # when strawberry parses itself
        ParseOnce,
        partial(AddValidationRules, RULES),
        partial(ValidationCache, maxsize=KEPT_DOCUMENTS),
    ]
