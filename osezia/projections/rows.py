"""Typed rows: the columns a read model's reader selects for a row class (a frozen dataclass),
the row class read from a database row, and the dates and times a jsonb column holds as text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")


def columns_of(
    cls: type[DataclassInstance],
    *,
    prefix: str = "",
    without: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> str:
    """The SQL column list of a row class: its fields (but those ``without``), each after
    ``prefix`` (a table's alias and its dot), then the ``extra`` columns."""
    left_out = set(without)
    names = [prefix + field.name for field in fields(cls) if field.name not in left_out]
    return ", ".join([*names, *extra])


def row_of(cls: type[D], row: Mapping[str, Any], **values: Any) -> D:
    """The row class from a database row holding at least its columns; ``values`` replace
    what the row holds for those fields (a value typed further, e.g. a tuple for an array)."""
    return cls(**{field.name: row[field.name] for field in fields(cls)} | values)


def day_of(value: str | None) -> date | None:
    """A day a jsonb column holds as ISO text, or None."""
    return None if value is None else date.fromisoformat(value)


def time_of(value: str | None) -> datetime | None:
    """A time a jsonb column holds as ISO text, or None."""
    return None if value is None else datetime.fromisoformat(value)
