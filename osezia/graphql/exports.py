"""CSV exports: `GET /exports/<list>.csv`, every row of one of the caller's read models.

GraphQL pages stop at 100 rows; an export streams the whole list from a server-side cursor as
the rows come, so neither the server nor the client holds it all. It reads exactly what the
caller's GraphQL queries read: the tenant's own views, as the tenant's PostgreSQL role, with
the same bearer token and the `read` scope. `?delimiter=semicolon` writes what French Excel
opens directly (semicolons, and a byte order mark so it reads UTF-8).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from osezia.domain.errors import DomainError, Forbidden, InvalidValue, NotFound
from osezia.graphql.auth.errors import InvalidToken
from osezia.graphql.view import Services
from osezia.projections.access import NotYetConsistent, as_tenant
from osezia.projections.catalogue import READ_MODELS
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.table import Table

ROWS_PER_CHUNK = 500  # rows written per chunk sent, and fetched per cursor round trip
DELIMITERS = {"comma": ",", "semicolon": ";"}
EXCEL_BOM = "\ufeff"


def exportable() -> dict[str, Table]:
    """Every read-model table, by name: a new read model is exportable as soon as it is
    listed in the catalogue."""
    return {model.table.name: model.table for model in READ_MODELS}


def cell(value: object) -> str:
    """A value as CSV text: ISO dates and times, integers as written (cents stay cents), text
    as stored (a SIREN keeps its leading zeros), JSON for structures, nothing for NULL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return orjson.dumps(value).decode()
    return str(value)


def export_sql(tenant: str, table: Table) -> str:
    # jsonb is read as its JSON text, exactly as stored.
    selected = ", ".join(
        f"{name}::text AS {name}" if kind == "jsonb" else name for name, kind in table.columns
    )
    return f'SELECT {selected} FROM "{stable_schema(tenant)}".{table.name} ORDER BY id'


def csv_lines(rows: Iterable[Sequence[object]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue()


async def csv_chunks(
    conn: Connection, tenant: str, table: Table, delimiter: str
) -> AsyncIterator[bytes]:
    """The header line, then the rows in chunks, as the cursor yields them. Call inside the
    transaction as_tenant opened: a server-side cursor lives in its transaction."""
    head = EXCEL_BOM if delimiter == ";" else ""
    yield (head + csv_lines([table.column_names], delimiter)).encode()
    batch: list[Sequence[Any]] = []
    async for record in conn.cursor(export_sql(tenant, table), prefetch=ROWS_PER_CHUNK):
        batch.append(tuple(record.values()))
        if len(batch) == ROWS_PER_CHUNK:
            yield csv_lines(batch, delimiter).encode()
            batch = []
    if batch:
        yield csv_lines(batch, delimiter).encode()


STATUS: dict[type[DomainError], int] = {NotFound: 404, Forbidden: 403}


def problem(status: int, error: DomainError) -> Response:
    return JSONResponse({"code": error.code, "message": error.message}, status_code=status)


class Exports:
    """The ASGI endpoint of /exports/{name}.csv.

    The tenant's connection stays open while the response streams, and is given back when the
    last row is sent or the client goes away.
    """

    def __init__(self, services: list[Services]) -> None:
        self._services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            principal = await self._services[0].auth.authenticate(request.headers)
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
            delimiter, at_least = _delimiter(request), _position(request)
        except DomainError as error:
            await problem(STATUS.get(type(error), 400), error)(scope, receive, send)
            return
        await self._stream(scope, receive, send, principal.tenant, table, delimiter, at_least)

    async def _stream(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        tenant: str,
        table: Table,
        delimiter: str,
        at_least: int | None,
    ) -> None:
        try:
            async with as_tenant(self._services[0].pool, tenant, at_least=at_least) as conn:
                filename = f"osezia-{tenant}-{table.name}.csv"
                response = StreamingResponse(
                    csv_chunks(conn, tenant, table, delimiter),
                    media_type="text/csv; charset=utf-8",
                    headers={
                        "Content-Disposition": f'attachment; filename="{filename}"',
                        "Cache-Control": "no-store",
                    },
                )
                await response(scope, receive, send)
        except NotYetConsistent as error:
            await problem(409, error)(scope, receive, send)
        except NotFound as error:  # the tenant's read models are not built yet
            await problem(503, error)(scope, receive, send)


def _delimiter(request: Request) -> str:
    asked = request.query_params.get("delimiter", "comma")
    if asked not in DELIMITERS:
        raise InvalidValue(f"delimiter {asked!r} is not one of: {', '.join(DELIMITERS)}")
    return DELIMITERS[asked]


def _position(request: Request) -> int | None:
    token = request.headers.get("x-consistency-token")
    if token is None:
        return None
    if not token.isascii() or not token.isdigit():
        raise InvalidValue(
            f"consistency token {token!r} is not one a mutation returned (a whole number)"
        )
    return int(token)
