"""CSV exports: `GET /exports/<list>.csv`, every row of one of the caller's read models.

GraphQL pages stop at 100 rows; an export streams the whole list in keyset batches (by `id`),
so neither the server nor the client holds it all. Each batch is read in its own short
transaction, and the pooled connection goes back between batches: a slow client holds no
connection, no transaction and no lock on the tenant's views (which a rebuild's swap and
`osezia migrate`'s view refresh wait for). The price is that an export is not one snapshot: a
row appears at most once, in id order, and a row written during the export may or may not.

It reads exactly what the caller's GraphQL queries read: the tenant's own views, as the
tenant's PostgreSQL role (every batch), with the same bearer token and the `read` scope.
`?delimiter=semicolon` writes what French Excel opens directly (semicolons, and a byte order
mark so it reads UTF-8); text that Excel would take for a formula is quoted with `'`.

A database too busy to read the first batch in time (a statement or lock timeout) answers 503
with Retry-After, as GraphQL answers TEMPORARILY_UNAVAILABLE. Once the first rows are sent the
status is out: a later batch that fails cuts the download short, which the client sees as an
incomplete chunked response, never as a complete file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import asyncpg
import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from osezia.domain.errors import DomainError, Forbidden, InvalidValue, NotFound
from osezia.graphql.errors_extension import (
    RETRY_WHEN_BUSY_SECONDS,
    TRANSIENT,
    TemporarilyUnavailable,
    busy,
)
from osezia.graphql.reading import (
    CONSISTENCY_HEADER,
    position_of,
    read_models_building,
    wait_until_reached,
)
from osezia.projections.access import NoReadModels, NotYetConsistent, as_tenant
from osezia.projections.names import stable_schema
from osezia.projections.registry import READ_MODELS
from osezia.projections.table import Table
from osezia.web.auth.errors import InvalidToken
from osezia.web.services import Services, services_of

ROWS_PER_BATCH = 500  # rows per transaction, and per chunk sent
MAX_EXPORTS = 4  # exports streaming at once in one process: the pool serves GraphQL too
RETRY_AFTER_SECONDS = 10
DELIMITERS = {"comma": ",", "semicolon": ";"}
EXCEL_BOM = "\ufeff"
# What makes a spreadsheet read a cell as a formula (OWASP's "CSV injection" list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TooManyExports(DomainError):
    code = "TOO_MANY_EXPORTS"


def exportable() -> dict[str, Table]:
    """Every read-model table, by name: a new read model is exportable as soon as it is
    listed in the catalogue."""
    return {model.table.name: model.table for model in READ_MODELS}


def cell(value: object) -> str:
    """A value as CSV text: ISO dates and times, integers as written (cents stay cents, negative
    ones stay numbers), text as stored (a SIREN keeps its leading zeros) but quoted with `'`
    where a spreadsheet would run it as a formula, JSON for structures, nothing for NULL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def json_cell(value: object) -> str:
    """A jsonb column's JSON text, exactly as stored. JSON starts with a bracket, a quote, a
    letter or a number's digit or minus sign: never a formula, so it is not quoted."""
    return "" if value is None else str(value)


def formatters(table: Table) -> tuple[Callable[[object], str], ...]:
    return tuple(json_cell if kind == "jsonb" else cell for _, kind in table.columns)


def batch_sql(tenant: str, table: Table, *, first: bool) -> str:
    """Rows after a given id ($1; none for the first batch), in id order, at most $2 (or $1).
    Every read model's `id` is its uuid primary key: the keyset is unique and indexed."""
    # jsonb is read as its JSON text, exactly as stored.
    selected = ", ".join(
        f"{name}::text AS {name}" if kind == "jsonb" else name for name, kind in table.columns
    )
    source = f'SELECT {selected} FROM "{stable_schema(tenant)}".{table.name}'
    if first:
        return f"{source} ORDER BY id LIMIT $1"
    return f"{source} WHERE id > $1 ORDER BY id LIMIT $2"


async def read_batch(
    pool: asyncpg.Pool,
    tenant: str,
    table: Table,
    after: object | None,
    size: int,
) -> list[Sequence[Any]]:
    """One batch, in its own transaction as the tenant; the connection is back in the pool
    when this returns."""
    async with as_tenant(pool, tenant) as conn:
        if after is None:
            records = await conn.fetch(batch_sql(tenant, table, first=True), size)
        else:
            records = await conn.fetch(batch_sql(tenant, table, first=False), after, size)
    return [tuple(record.values()) for record in records]


def csv_lines(
    rows: Iterable[Sequence[object]],
    delimiter: str,
    formats: Sequence[Callable[[object], str]] | None = None,
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if formats is None:
        writer.writerows([str(value) for value in row] for row in rows)
    else:
        writer.writerows([f(value) for f, value in zip(formats, row, strict=True)] for row in rows)
    return buffer.getvalue()


async def csv_chunks(
    pool: asyncpg.Pool,
    tenant: str,
    table: Table,
    delimiter: str,
    first: list[Sequence[Any]],
    size: int,
) -> AsyncIterator[bytes]:
    """The header line, then one chunk per batch: `first` (read before the response started,
    so that its errors could still be answered), then each next batch after the last id sent."""
    head = EXCEL_BOM if delimiter == ";" else ""
    yield (head + csv_lines([table.column_names], delimiter)).encode()
    formats = formatters(table)
    batch = first
    while batch:
        yield csv_lines(batch, delimiter, formats).encode()
        if len(batch) < size:
            return
        batch = await read_batch(pool, tenant, table, batch[-1][0], size)  # id is first


STATUS: dict[type[DomainError], int] = {NotFound: 404, Forbidden: 403}


def problem(status: int, error: DomainError, headers: dict[str, str] | None = None) -> Response:
    body = {"code": error.code, "message": error.message}
    return JSONResponse(body, status_code=status, headers=headers)


class Exports:
    """The ASGI endpoint of /exports/{name}.csv.

    At most `max_exports` stream at once (a 503 with Retry-After beyond): each holds a pooled
    connection only while it reads a batch, but together they could still starve GraphQL.
    """

    def __init__(
        self, *, max_exports: int = MAX_EXPORTS, rows_per_batch: int = ROWS_PER_BATCH
    ) -> None:
        self._max_exports = max_exports
        self._rows_per_batch = rows_per_batch
        self._streaming = 0  # one event loop: no lock needed between check and count

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        services = services_of(request)
        try:
            principal = await services.auth.authenticate(request.headers)
        except InvalidToken as refused:
            await refused.response()(scope, receive, send)
            return
        name = request.path_params["name"]
        table = exportable().get(name)
        try:
            if table is None:
                known = ", ".join(sorted(exportable()))
                raise NotFound(f"no list {name!r} to export; lists: {known}")
            if "read" not in principal.scopes:
                raise Forbidden("exporting needs the read scope")
            delimiter, at_least = (
                _delimiter(request),
                position_of(request.headers.get(CONSISTENCY_HEADER)),
            )
        except DomainError as error:
            await problem(STATUS.get(type(error), 400), error)(scope, receive, send)
            return
        if self._streaming >= self._max_exports:
            busy = TooManyExports(
                f"{self._max_exports} exports are already streaming: "
                f"retry in {RETRY_AFTER_SECONDS} seconds"
            )
            retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            await problem(503, busy, retry)(scope, receive, send)
            return
        self._streaming += 1
        try:
            await self._stream(
                scope, receive, send, services, principal.tenant, table, delimiter, at_least
            )
        finally:
            self._streaming -= 1

    async def _stream(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        services: Services,
        tenant: str,
        table: Table,
        delimiter: str,
        at_least: int | None,
    ) -> None:
        pool, size = services.pool, self._rows_per_batch
        try:
            if at_least is not None:  # waited for as a query waits: holding no connection
                await wait_until_reached(pool, services.changes, tenant, at_least)
            first = await read_batch(pool, tenant, table, None, size)
        except NotYetConsistent as error:
            await problem(409, error)(scope, receive, send)
            return
        except InvalidValue as error:  # a token beyond the log's end
            await problem(400, error)(scope, receive, send)
            return
        except TemporarilyUnavailable as error:
            retry = {"Retry-After": str(RETRY_WHEN_BUSY_SECONDS)}
            await problem(503, error, retry)(scope, receive, send)
            return
        except NoReadModels:  # the tenant's first read models are being built
            retry = {"Retry-After": str(RETRY_WHEN_BUSY_SECONDS)}
            await problem(503, read_models_building(tenant), retry)(scope, receive, send)
            return
        except TRANSIENT:
            retry = {"Retry-After": str(RETRY_WHEN_BUSY_SECONDS)}
            await problem(503, busy(), retry)(scope, receive, send)
            return
        filename = f"osezia-{tenant}-{table.name}.csv"
        response = StreamingResponse(
            csv_chunks(pool, tenant, table, delimiter, first, size),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )
        await response(scope, receive, send)


def _delimiter(request: Request) -> str:
    asked = request.query_params.get("delimiter", "comma")
    if asked not in DELIMITERS:
        raise InvalidValue(f"delimiter {asked!r} is not one of: {', '.join(DELIMITERS)}")
    return DELIMITERS[asked]
