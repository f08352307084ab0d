"""A read-model table: its columns, and how a batch of rows is written in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

import orjson

from osezia.projections.connections import Connection

Row = dict[str, Any]


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, PostgreSQL type), "id" first

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def upsert_sql(self, schema: str) -> str:
        names = ", ".join(self.column_names)
        # jsonb travels as text: asyncpg would read a list of lists as a 2-D array.
        arrays = ", ".join(
            f"${i}::{'text' if kind == 'jsonb' else kind}[]"
            for i, (_, kind) in enumerate(self.columns, 1)
        )
        selected = ", ".join(
            f"{name}::jsonb" if kind == "jsonb" else name for name, kind in self.columns
        )
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in self.column_names[1:])
        return (
            f'INSERT INTO "{schema}".{self.name} ({names}) SELECT {selected} '
            f"FROM unnest({arrays}) AS u({names}) ON CONFLICT (id) DO UPDATE SET {updates}"
        )

    async def fetch(self, conn: Connection, schema: str, ids: list[UUID]) -> dict[UUID, Row]:
        if not ids:
            return {}
        records = await conn.fetch(
            f'SELECT * FROM "{schema}".{self.name} WHERE id = ANY($1::uuid[])', ids
        )
        return {record["id"]: dict(record) for record in records}

    async def write(
        self, conn: Connection, schema: str, rows: list[Row], deleted: list[UUID]
    ) -> None:
        """Upsert rows and delete ids, in as few statements as the batch allows."""
        if rows:
            arrays = [
                [_json(row[name]) for row in rows]
                if kind == "jsonb"
                else [row[name] for row in rows]
                for name, kind in self.columns
            ]
            await conn.execute(self.upsert_sql(schema), *arrays)
        if deleted:
            await conn.execute(
                f'DELETE FROM "{schema}".{self.name} WHERE id = ANY($1::uuid[])', deleted
            )
