"""Scalars GraphQL lacks (amounts in euro cents beyond the 32-bit `Int`), and the one reading of
a decimal number a request may send as text.

Python reads more than a client means: `int("١٢")` is 12, `int("1_000")` is 1000, and
`Decimal` takes "NaN", "Infinity" and "1e400". A number from a request is plain ASCII digits,
with a sign and (for a decimal) a point, or it is refused as an invalid value.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from osezia.domain.errors import InvalidValue

MAX_SAFE = 2**53 - 1  # the largest integer every JSON client reads exactly
WHOLE = re.compile(r"-?[0-9]{1,16}", re.ASCII)
DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", re.ASCII)


def _parse_cents(value: object) -> int:
    if isinstance(value, str) and WHOLE.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"an amount in cents must be a whole number, got {value!r}")
    if not -MAX_SAFE <= value <= MAX_SAFE:
        raise ValueError(f"an amount of {value} cents is out of range (±{MAX_SAFE})")
    return value


def decimal_of(text: str, what: str, example: str) -> Decimal:
    """A decimal number written with ASCII digits, an optional minus sign and point: "12.5"."""
    if not DECIMAL.fullmatch(text):
        raise InvalidValue(f"{what} {text[:40]!r} must be a number such as {example}")
    return Decimal(text)


Cents = NewType("Cents", int)

SCALARS: dict[object, ScalarDefinition] = {
    Cents: strawberry.scalar(
        name="Cents",
        description="An amount in euro cents (a whole number; 1 € = 100).",
        serialize=int,
        parse_value=_parse_cents,
    )
}
