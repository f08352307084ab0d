"""Plain object trees completed in one pass instead of field by field.

graphql-core completes what a resolver returns one field at a time: for each of the 420 values
of the dashboard's 105 figures it builds a resolve info, calls strawberry's resolver wrapper,
checks for an awaitable and coerces the leaf. That walk was most of an uncached read's CPU.
Most of what our resolvers return is plain: typed rows presented as frozen strawberry objects
whose selected fields are attributes. `CompilingExecutor` compiles such a selection, as
graphql-core collects it (aliases, fragments, `@include`/`@skip`, `__typename`), into nested
functions that read the attributes and coerce the leaves with the very types' own coercion, so
enums and custom scalars come out as they always do.

Only the completion changes: the root fields' resolvers still run as they did, so the caller's
tenant, visibility, scopes and consistency token apply exactly as before. What a compiled
selection cannot express falls back to graphql-core's own completion: a field with arguments
or a resolver of its own, an interface or union, `@defer`/`@stream`, a value that is not what
its type says. At run time, anything unexpected (a null where the type forbids one, a value
that does not coerce, an exception as a value) makes it complete the same value again the
plain way, which reports the error at its place: compiled completions only read attributes,
so doing it again changes nothing. tests/integration/test_compiled_execution.py checks that
random selection sets give the same answers both ways, for every network.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import EnumMeta
from functools import lru_cache
from keyword import iskeyword
from types import CodeType
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from osezia.graphql.prebuilt import (
    ConnectionPlan,
    ListPlan,
    NotCompiled,
    Prebuilt,
    PrebuiltList,
    attribute_read,
    collecting_only,
    declared,
    plan_for,
)

Complete = Callable[[Any], Any]

KEPT_COMPLETIONS = 1024  # objects' completion functions, as compiled, for the next requests

# The prebuilt lists' plans, kept for the next requests (CompilingExecutor._plan), with the
# field nodes whose ids their keys hold.
_PLANS: dict[
    tuple[int, tuple[int, ...], tuple[tuple[str, bool], ...]],
    tuple[tuple[FieldNode, ...], ConnectionPlan | ListPlan | None],
] = {}


class _Plain(Exception):
    """This value, or this selection, is graphql-core's to complete."""


class CompilingExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor, completing plain object trees with compiled functions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request, like graphql-core's own memo of collected fields: keyed by the identity
        # of the field's details, which the value keeps alive.
        self._compiled: dict[tuple[GraphQLOutputType, int], tuple[object, Complete | None]] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        # A list declared for prebuilt pages finds its plan, by its path, in the context.
        plans = getattr(self.context_value, "prebuilt", None)
        if plans is not None:
            field = parent_type.fields.get(field_details_list[0].node.name.value)
            if field is not None:
                declaration = declared(field.extensions.get("strawberry-definition"))
                if declaration is not None:
                    plan = self._plan(field, field_details_list, declaration)
                    if plan is not None:
                        plans[path] = plan
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _plan(
        self,
        field: GraphQLField,
        field_details_list: FieldDetailsList,
        declaration: PrebuiltList,
    ) -> ConnectionPlan | ListPlan | None:
        """The field's plan, compiled once for every request of the same document whose
        @include/@skip switches (its Boolean variables) are the same: the key is the field's
        and its nodes' identity (a document is parsed once, osezia.graphql.limits.ParseOnce),
        and the nodes are kept alive with the plan, so that their ids are not reused."""
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:  # an extension resolves every field
            return None
        nodes = tuple(details.node for details in field_details_list)
        coerced = self.variable_values.coerced
        switches = tuple(sorted((k, v) for k, v in coerced.items() if v is True or v is False))
        key = (id(field), tuple(map(id, nodes)), switches)
        kept = _PLANS.get(key)
        if kept is not None:
            return kept[1]
        try:
            plan: ConnectionPlan | ListPlan | None = plan_for(
                field.type, field_details_list, declaration, self.collect_subfields
            )
        except NotCompiled:
            plan = None
        if any(details.fragment_variable_values for details in field_details_list):
            return plan  # fragment arguments (experimental) may switch more: not kept
        if len(_PLANS) >= KEPT_COMPLETIONS:
            del _PLANS[next(iter(_PLANS))]  # the oldest
        _PLANS[key] = (nodes, plan)
        return plan

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if result.__class__ is Prebuilt:
            return result.value
        if result is not None and not is_leaf_type(get_named_type(return_type)):
            complete = self._completion(return_type, field_details_list)
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # completed again the plain way, which reports it
                    pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _completion(
        self, return_type: GraphQLOutputType, field_details_list: FieldDetailsList
    ) -> Complete | None:
        key = (return_type, id(field_details_list))
        found = self._compiled.get(key)
        if found is None:
            try:
                if not collecting_only(field_details_list):
                    raise _Plain  # @stream…: graphql-core's
                complete: Complete | None = self._compile(return_type, field_details_list)
            except _Plain:
                complete = None
            found = self._compiled[key] = (field_details_list, complete)
        return found[1]

    def _compile(self, type_: GraphQLOutputType, fields: FieldDetailsList) -> Complete:
        if is_non_null_type(type_):
            return _non_null(self._compile(type_.of_type, fields))
        if is_list_type(type_):
            return _items(self._compile(type_.of_type, fields))
        if is_leaf_type(type_):
            return _leaf(type_)
        if is_object_type(type_):
            return self._object(type_, fields)
        raise _Plain  # an interface or a union: graphql-core resolves the runtime type

    def _object(self, type_: GraphQLObjectType, fields: FieldDetailsList) -> Complete:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:  # an extension resolves every field
            raise _Plain
        grouped, defers, _ = self.collect_subfields(type_, fields)
        if defers:
            raise _Plain
        entries: list[tuple[str, str | None, Complete | None]] = []
        for response_key, details in grouped.items():
            node = details[0].node
            name = node.name.value
            if not collecting_only(details):
                raise _Plain
            if name == "__typename":
                entries.append((response_key, None, None))
                continue
            attribute = attribute_read(type_, name)
            if attribute is None or node.arguments or not _plain_name(attribute):
                raise _Plain
            field_type = type_.fields[name].type
            entries.append((response_key, attribute, self._compile(field_type, details)))
        is_type_of = type_.is_type_of
        if is_type_of is not None and not _strawberrys(is_type_of):
            raise _Plain
        return _record(type_.name, entries, is_type_of)


def _strawberrys(is_type_of: Callable[..., Any]) -> bool:
    """strawberry's own is_type_of, which reads its value only (never the resolve info)."""
    return getattr(is_type_of, "__module__", None) == "strawberry.schema.schema_converter"


def _plain_name(attribute: str) -> bool:
    return attribute.isidentifier() and not iskeyword(attribute)


def _record(
    type_name: str,
    entries: list[tuple[str, str | None, Complete | None]],
    is_type_of: Callable[[Any, Any], Any] | None,
) -> Complete:
    """One function for the object: a dict display of its response keys, each the completion
    of an attribute read (or the type's name for `__typename`), in the order collected. It is
    generated, as graphql-core's own walk would otherwise cost a call or two per field more;
    its keys are GraphQL names (quoted) and its attributes Python identifiers."""
    scope: dict[str, Any] = {"_Plain": _Plain, "is_type_of": is_type_of}
    items = []
    for n, (key, attribute, complete) in enumerate(entries):
        if attribute is None:
            items.append(f"{key!r}: {type_name!r}")
        else:
            scope[f"complete_{n}"] = complete
            items.append(f"{key!r}: complete_{n}(value.{attribute})")
    checked = "    if is_type_of(value, None) is not True:\n        raise _Plain\n"
    source = (
        "def record(value):\n"
        "    if value is None:\n"
        "        return None\n"
        f"{checked if is_type_of is not None else ''}"
        f"    return {{{', '.join(items)}}}\n"
    )
    exec(_compiled(source, type_name), scope)
    record: Complete = scope["record"]
    return record


@lru_cache(maxsize=KEPT_COMPLETIONS)
def _compiled(source: str, type_name: str) -> CodeType:
    """Compiled once for all the requests that select the same (compiling takes 100 µs)."""
    return compile(source, f"<completion of {type_name}>", "exec")


def _non_null(inner: Complete) -> Complete:
    def non_null(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise _Plain  # graphql-core reports it and nulls the nearest nullable parent
        return completed

    return non_null


def _items(inner: Complete) -> Complete:
    def items(value: Any) -> list[Any] | None:
        if value is None:
            return None
        if value.__class__ is not list and value.__class__ is not tuple:
            raise _Plain  # an iterable of another kind, or an async one, or a stream
        return [inner(item) for item in value]

    return items


def _leaf(type_: GraphQLLeafType) -> Complete:
    """A scalar or an enum coerced by its type; a string and an enum member, the commonest,
    looked up at once (strawberry's enum coercion scans the enum's values on every call)."""
    coerce = type_.coerce_output_value
    known: dict[Any, Any] = {}
    if type_ is GraphQLString or type_ is GraphQLID:
        known_class: type | None = str
    elif isinstance(type_, GraphQLEnumType) and isinstance(
        members := getattr(type_, "wrapped_cls", None), EnumMeta
    ):
        known_class = members
        try:
            known = {member: coerce(member) for member in list[Any](members)}
        except Exception:  # a member the type cannot name: graphql-core's to report
            raise _Plain from None
    else:
        known_class = None

    def leaf(value: Any) -> Any:
        if value is None:
            return None
        if value.__class__ is known_class:
            return known[value] if known else value
        if isinstance(value, Exception):
            raise _Plain
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _Plain
        return coerced

    return leaf
