"""Scalars GraphQL lacks: amounts in euro cents beyond the 32-bit `Int`."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

MAX_SAFE = 2**53 - 1  # the largest integer every JSON client reads exactly


def _parse_cents(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"an amount in cents must be a whole number, got {value!r}")
    cents = int(value)
    if not -MAX_SAFE <= cents <= MAX_SAFE:
        raise ValueError(f"an amount of {cents} cents is out of range")
    return cents


Cents = NewType("Cents", int)

SCALARS: dict[object, ScalarDefinition] = {
    Cents: strawberry.scalar(
        name="Cents",
        description="An amount in euro cents (a whole number; 1 € = 100).",
        serialize=int,
        parse_value=_parse_cents,
    )
}
