"""Compiled completion gives way where graphql-core must answer: for objects holding random
values (nulls where the type forbids them, values of the wrong kind, exceptions, enum members,
dates), under selections mixing plain fields with resolvers, arguments and unions, the answer
and its errors, with their paths, are graphql-core's own."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st

from osezia.graphql.execution import CompilingExecutor


@strawberry.enum
class Kind(Enum):
    PME = "pme"
    ETI = "eti"


@strawberry.type
class Tag:
    code: str
    weight: int | None


@strawberry.type
class Other:
    note: str


@strawberry.type
class Item:
    name: str
    alias: str | None
    kind: Kind
    maybe_kind: Kind | None
    on: date | None
    tags: list[Tag]
    tag: Tag | None
    either: Annotated[Tag | Other, strawberry.union("Either")] | None = None

    @strawberry.field
    def shout(self) -> str:
        return str(self.name).upper()

    @strawberry.field
    def first_tags(self, n: int = 1) -> list[Tag]:
        return self.tags[:n]


ITEMS: list[Item] = []


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS

    @strawberry.field
    def required_items(self) -> list[Item | None]:
        return [*ITEMS]


PLAIN = strawberry.Schema(Query)
COMPILED = strawberry.Schema(Query, execution_context_class=CompilingExecutor)

ANYTHING: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.integers(-3, 3), st.text(max_size=3), st.just(ValueError("broken"))
)


def sometimes_wrong(right: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(right, right, right, ANYTHING)


tags = st.builds(
    Tag, code=sometimes_wrong(st.text(max_size=3)), weight=sometimes_wrong(st.integers(0, 9))
)
items = st.builds(
    Item,
    name=sometimes_wrong(st.text(max_size=4)),
    alias=sometimes_wrong(st.none() | st.text(max_size=2)),
    kind=sometimes_wrong(st.sampled_from(Kind)),
    maybe_kind=sometimes_wrong(st.none() | st.sampled_from(Kind)),
    on=sometimes_wrong(st.none() | st.dates()),
    tags=sometimes_wrong(st.lists(tags, max_size=3)),
    tag=sometimes_wrong(st.none() | tags),
    either=st.none() | tags | st.builds(Other, note=st.text(max_size=2)),
)

FIELDS = [
    "name",
    "alias",
    "kind",
    "maybeKind",
    "on",
    "__typename",
    "n: name",
    "tags { code weight }",
    "tag { code __typename }",
    "shout",
    "firstTags(n: 2) { code }",
    "either { __typename ... on Tag { code } ... on Other { note } }",
    "... on Item { kind t: tags { w: weight } }",
]


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(items, max_size=4),
    root=st.sampled_from(["items", "requiredItems"]),
    fields=st.lists(st.sampled_from(FIELDS), min_size=1, max_size=6, unique=True),
)
def test_compiled_or_not_the_answer_and_its_errors_are_the_same(
    data: list[Item], root: str, fields: list[str]
) -> None:
    ITEMS[:] = data
    document = f"{{ {root} {{ {' '.join(fields)} }} }}"
    plain = PLAIN.execute_sync(document)
    compiled = COMPILED.execute_sync(document)

    assert compiled.data == plain.data
    assert [(e.message, e.path) for e in compiled.errors or []] == [
        (e.message, e.path) for e in plain.errors or []
    ]
