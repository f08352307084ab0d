"""How an error reaches a client: its code when it is the client's to fix or to retry, an id
otherwise; and a number from a request read as the client wrote it, or refused."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import asyncpg
import pytest
import strawberry
from graphql import GraphQLError, parse
from strawberry.extensions import MaskErrors

from osezia.domain.errors import InvalidValue
from osezia.graphql.errors_extension import PresentErrors, present
from osezia.graphql.scalars import decimal_of
from osezia.graphql.schema import build_schema

FIELD = parse("{ companies { totalCount } }").definitions[0]


def raised(original: Exception, *, at_field: bool) -> GraphQLError:
    return GraphQLError(
        str(original),
        nodes=[FIELD],
        path=["companies"] if at_field else None,
        original_error=original,
    )


@pytest.mark.parametrize(
    "timeout",
    [
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.LockNotAvailableError("canceling statement due to lock timeout"),
        TimeoutError(),
    ],
)
def test_a_database_too_busy_to_answer_in_time_is_temporarily_unavailable(
    timeout: Exception,
) -> None:
    presented = present(raised(timeout, at_field=True))

    assert presented.extensions == {"code": "TEMPORARILY_UNAVAILABLE"}
    assert "retry" in presented.message
    assert presented.path == ["companies"]


def test_a_value_refused_while_coercing_the_request_is_an_invalid_value() -> None:
    presented = present(raised(ValueError("an amount in cents must be whole"), at_field=False))

    assert presented.extensions == {"code": "INVALID_VALUE"}
    assert "whole" in presented.message


def test_a_failure_inside_a_resolver_is_masked_with_an_id() -> None:
    presented = present(raised(ValueError("secret detail"), at_field=True))

    assert presented.extensions is not None
    assert presented.extensions["code"] == "INTERNAL_ERROR"
    assert "secret detail" not in presented.message


def test_a_failure_before_execution_with_no_place_in_the_document_is_masked() -> None:
    # strawberry reports an exception raised by an extension or a validation rule this way.
    bug = GraphQLError("'NoneType' object has no attribute 'x'", original_error=AttributeError())

    presented = present(bug)

    assert presented.extensions is not None
    assert presented.extensions["code"] == "INTERNAL_ERROR"
    assert "NoneType" not in presented.message


def test_suggestions_are_dropped_when_asked() -> None:
    error = GraphQLError(
        "Unknown argument 'regoin' on field 'Query.companies'. Did you mean 'region'?"
    )

    assert present(error).message.endswith("Did you mean 'region'?")
    assert present(error, suggestions=False).message == (
        "Unknown argument 'regoin' on field 'Query.companies'."
    )


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> int | None:
        raise RuntimeError("secret detail")

    @strawberry.field
    def refused(self) -> int | None:
        raise InvalidValue("headcount must be whole")


def test_the_extension_is_strawberrys_mask_errors_keeping_our_codes() -> None:
    schema = strawberry.Schema(Query, extensions=[PresentErrors])

    result = asyncio.run(schema.execute("{ broken refused }"))

    assert issubclass(PresentErrors, MaskErrors)
    assert result.errors is not None
    masked, refused = sorted(result.errors, key=lambda e: str(e.path))
    assert masked.extensions is not None
    assert masked.extensions["code"] == "INTERNAL_ERROR"
    assert masked.message == (
        f"Unexpected error (id {masked.extensions['errorId']}); the operator can look it up."
    )
    assert "secret detail" not in masked.message
    assert refused.extensions == {"code": InvalidValue.code}
    assert refused.message == "headcount must be whole"


@pytest.mark.parametrize(("text", "value"), [("12.5", Decimal("12.5")), ("0", 0), ("-3", -3)])
def test_a_decimal_in_plain_ascii_digits_is_read(text: str, value: Decimal) -> None:
    assert decimal_of(text, "headcount", "12.5") == value


@pytest.mark.parametrize(
    "text",
    ["NaN", "-Infinity", "1e400", "1E2", "1_000", "١٢", "１２", " 12", "12.", ".5", "+1", ""],
)
def test_any_other_decimal_is_an_invalid_value(text: str) -> None:
    with pytest.raises(InvalidValue, match="headcount"):
        decimal_of(text, "headcount", "12.5")


def test_a_negative_page_lowers_no_query_cost() -> None:
    schema = build_schema(production=False)
    pages = " ".join(f"p{n}: companies(first: 100) {{ totalCount }}" for n in range(11))
    document = "{ n: companies(first: -1000) { totalCount } " + pages + " }"

    result = asyncio.run(schema.execute(document))

    assert result.errors
    assert {str((e.extensions or {}).get("code")) for e in result.errors} == {"QUERY_TOO_COSTLY"}
