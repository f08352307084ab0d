"""Persisted documents: Apollo's Automatic Persisted Queries, and documents registered ahead.

A client may send a document's SHA-256 instead of its text (Apollo's protocol:
`"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<64 hex digits>"}}`, in a POST's
body or a GET's `extensions` parameter). A hash the server knows runs its document; one it does
not know is answered `PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`, status 200),
and an Apollo client sends the text with the hash again: the server checks that they match and
remembers the document (in this process, the least recently used forgotten first).

Registered documents (`osezia documents add FILE`) are kept in the database, in
`registered_documents`, so every replica knows them. With OSEZIA_REGISTERED_DOCUMENTS_ONLY=1
(for production), only they run, whether sent by hash or whole, over HTTP or a websocket; any
other document is refused with `DOCUMENT_NOT_REGISTERED`, and none is remembered from a client.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple, cast

import asyncpg
import orjson
from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)

from osezia.web.cache import document_digest
from osezia.web.lru import LRU
from osezia.web.refusal import Refused
from osezia.web.sockets import StandingSocket

APQ_VERSION = 1
MAX_REMEMBERED = 1000  # documents clients persisted, in this process
MAX_REGISTERED_KEPT = 10_000  # registered documents found, kept by this process
UNKNOWN_SECONDS = 5.0  # a hash found unregistered is not looked up again for this long
_HASH = re.compile(r"[0-9a-f]{64}")


def document_hash(document: str) -> str:
    """The document's SHA-256, in lowercase hex, as Apollo's clients compute it."""
    return document_digest(document).hex()


class Resolved(NamedTuple):
    """A request's parameters, with the document its hash stands for, and that document's
    SHA-256 (None without a document as text): hashed once, for the checks here and for the
    view's analyses and cache key."""

    body: dict[str, object]
    digest: bytes | None


class Documents:
    """The documents a hash may stand for: registered ones (from the database, kept once
    found) and, unless only registered documents run, those clients persisted."""

    def __init__(self, *, registered_only: bool, clock: Callable[[], float] = time.monotonic):
        self.registered_only = registered_only
        self._clock = clock
        self._remembered: LRU[str, str] = LRU(MAX_REMEMBERED)
        self._registered: LRU[str, str] = LRU(MAX_REGISTERED_KEPT)
        self._unknown: LRU[str, float] = LRU(MAX_REGISTERED_KEPT)  # hash -> when looked up

    async def resolve(self, body: Mapping[str, object], pool: asyncpg.Pool) -> Resolved:
        """The request's parameters with the document its hash stands for, once checked, and
        the document's digest; raises Refused."""
        persisted = _persisted_query(body.get("extensions"))
        query = body.get("query")
        if persisted is None:
            if not isinstance(query, str):
                if self.registered_only:
                    raise _not_registered()
                return Resolved(dict(body), None)
            digest = document_digest(query)
            if self.registered_only and await self._registered_document(digest.hex(), pool) is None:
                raise _not_registered()
            return Resolved(dict(body), digest)
        wanted = persisted
        if query is None or query == "":
            found = await self.find(wanted, pool)
            if found is None:
                # Status 200, as Apollo's servers answer it: its clients then send the text.
                raise Refused(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            # Found under its hash: a remembered document's was checked, a registered one's
            # computed when it was registered.
            return Resolved({**body, "query": found}, bytes.fromhex(wanted))
        if not isinstance(query, str):
            return Resolved(dict(body), None)  # strawberry answers what is wrong with it
        digest = document_digest(query)
        if digest.hex() != wanted:
            raise Refused(400, "BAD_REQUEST", "provided sha does not match query")
        if self.registered_only:
            if await self._registered_document(wanted, pool) is None:
                raise _not_registered()
        else:
            self._remember(wanted, query)
        return Resolved(dict(body), digest)

    async def find(self, wanted: str, pool: asyncpg.Pool) -> str | None:
        if not self.registered_only and (found := self._remembered.get(wanted)) is not None:
            return found
        return await self._registered_document(wanted, pool)

    def _remember(self, wanted: str, document: str) -> None:
        self._remembered.put(wanted, document)

    async def _registered_document(self, wanted: str, pool: asyncpg.Pool) -> str | None:
        """A registered document: registered documents never change, so one found is kept; a
        hash found unregistered is not asked again for a few seconds (a flood of made-up hashes
        costs a query each only that often)."""
        if (found := self._registered.get(wanted)) is not None:
            return found
        looked_up = self._unknown.get(wanted)
        if looked_up is not None and self._clock() - looked_up < UNKNOWN_SECONDS:
            return None
        async with pool.acquire() as conn:
            found = await conn.fetchval(
                "SELECT document FROM registered_documents WHERE hash = $1", wanted
            )
        if found is None:
            self._unknown.put(wanted, self._clock())
            return None
        self._unknown.pop(wanted)
        self._registered.put(wanted, str(found))
        return str(found)


def _not_registered() -> Refused:
    return Refused(
        400,
        "DOCUMENT_NOT_REGISTERED",
        "this server runs registered documents only: register it with `osezia documents add`",
    )


def _persisted_query(extensions: object) -> str | None:
    """The hash of Apollo's persistedQuery extension, checked; None without one."""
    if isinstance(extensions, str):  # a GET's parameter, as JSON
        try:
            extensions = orjson.loads(extensions)
        except orjson.JSONDecodeError:
            raise Refused(400, "BAD_REQUEST", "the `extensions` parameter is not JSON") from None
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict) or persisted.get("version") != APQ_VERSION:
        raise Refused(400, "PERSISTED_QUERY_NOT_SUPPORTED", "Unsupported persisted query version")
    wanted = persisted.get("sha256Hash")
    if not isinstance(wanted, str) or _HASH.fullmatch(wanted) is None:
        raise Refused(
            400, "BAD_REQUEST", "persistedQuery.sha256Hash must be 64 lowercase hex digits"
        )
    return wanted


class DocumentsSocket(StandingSocket):
    """A websocket's operations, their documents found as a request's are: by the hash of
    Apollo's persistedQuery extension and, where only registered documents run, only those
    (a refusal is the operation's `error` message, with its code)."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        documents = getattr(self.view, "documents", None)  # the GraphQL view's
        payload = message.get("payload")
        if (
            self.connection_acknowledged  # else strawberry closes the socket
            and isinstance(documents, Documents)
            and isinstance(payload, dict)
        ):
            try:
                found, _ = await documents.resolve(payload, self.context.pool)
            except Refused as refused:
                error = GraphQLError(refused.message, extensions={"code": refused.code})
                refusal: ErrorMessage = {
                    "id": message["id"],
                    "type": "error",
                    "payload": [error.formatted],
                }
                await self.send_message(refusal)
                return
            message = cast(SubscribeMessage, {**message, "payload": found})
        await super().handle_subscribe(message)
