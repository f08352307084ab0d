"""Cleaning what people type before it reaches an aggregate, and what configures its rules:
names, choices and shares."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeGuard, TypeVar

from osezia.domain.errors import InvalidAmount, InvalidValue

E = TypeVar("E", bound=StrEnum)

BASIS_POINTS = 10_000  # 100 %


def is_whole(number: object) -> TypeGuard[int]:
    """Whether a number is a whole one: bool is an int to Python, but True is no amount."""
    return isinstance(number, int) and not isinstance(number, bool)


def check_amount(amount_cents: object, what: str) -> None:
    """An amount of money: a whole number of euro cents, above 0."""
    if not is_whole(amount_cents) or amount_cents <= 0:
        raise InvalidAmount(f"{what} {amount_cents!r} must be a whole number of euro cents above 0")


def text(value: str, what: str) -> str:
    """The value with its white space folded; an empty one is refused, naming what it is."""
    folded = " ".join(value.split())
    if not folded:
        raise InvalidValue(f"the {what} cannot be empty")
    return folded


def choice(choices: type[E], value: str, what: str) -> E:
    """The member of `choices` named `value`, or an error listing the allowed values."""
    try:
        return choices(value)
    except ValueError:
        raise InvalidValue(f"{what} {value!r} must be one of {', '.join(choices)}") from None


def check_share(basis_points: int, what: str) -> None:
    """A share in basis points: more than nothing, at most the whole."""
    if not 0 < basis_points <= BASIS_POINTS:
        raise InvalidValue(
            f"{what} {basis_points} basis points must be between 1 and {BASIS_POINTS}"
        )
