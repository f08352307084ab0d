"""A value outside an enum is refused with the values the enum allows.

graphql-core suggests only the values spelt close to the one given: `MAINTENANCE_PREDICTIVE`
gets no suggestion, though `PREDICTIVE_MAINTENANCE` is what was meant. The allowed values are
added as a suggestion ("Did you mean one of …?"), so that production, which strips suggestions
(PresentErrors), still names none of its schema.
"""

from __future__ import annotations

from typing import Any

from graphql import ConstValueNode, GraphQLError, GraphQLSchema
from strawberry.schema.schema_converter import CustomGraphQLEnumType


class _NamingAllowedValues(CustomGraphQLEnumType):
    """Strawberry's enum type, whose coercion errors name the allowed values."""

    def coerce_input_value(self, input_value: str, hide_suggestions: bool = False) -> Any:
        try:
            return super().coerce_input_value(input_value, hide_suggestions)
        except GraphQLError as error:
            raise self._naming(error, hide_suggestions) from error

    def coerce_input_literal(
        self, value_node: ConstValueNode, hide_suggestions: bool = False
    ) -> Any:
        try:
            return super().coerce_input_literal(value_node, hide_suggestions)
        except GraphQLError as error:
            raise self._naming(error, hide_suggestions) from error

    def _naming(self, error: GraphQLError, hide_suggestions: bool) -> GraphQLError:
        if hide_suggestions or "Did you mean" in error.message:
            return error  # hidden, or a close value is already suggested
        allowed = ", ".join(self.values)
        return GraphQLError(
            f"{error.message} Did you mean one of {allowed}?",
            error.nodes,
            original_error=error.original_error,
        )


def name_allowed_values(schema: GraphQLSchema) -> None:
    """Make every enum of the schema (strawberry's, not introspection's) name its values when
    it refuses one."""
    for found in schema.type_map.values():
        if isinstance(found, CustomGraphQLEnumType) and type(found) is CustomGraphQLEnumType:
            # The instance strawberry built keeps its state; only its coercion changes.
            found.__class__ = _NamingAllowedValues
