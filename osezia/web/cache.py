"""The response cache: a query's answer, kept while the read models it was read from stand still.

An entry's key holds everything the answer depends on: the tenant, the document, its variables,
operation and extensions, the caller's role and scopes, and the state of the read models (the
live version and the tracking position of the tenant's models, and of the platform's, which the
tenant's figures read). Applying an event, or swapping in a rebuild, changes the state and so
every key of the tenant: an old entry can never be served again, and is dropped with the
tenant's first request at a later state.

The state is read from PostgreSQL for each request, not followed through notifications: a
notification can be lost with its connection, and a rebuild's swap sends none. Requests that
arrive while a read is in flight wait for the next read, so one query serves every request that
arrived during the previous one, and each request's state was read after the request arrived:
a cached answer is never older than the one the request would have computed itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import asyncpg
import orjson
from graphql import FieldNode, OperationDefinitionNode, OperationType, visit
from graphql.language import Visitor

from osezia.domain.errors import DomainError, InvalidValue
from osezia.graphql.limits import operation_cost, parsed
from osezia.graphql.reading import position_of
from osezia.projections.names import stable_schema
from osezia.tenants.model import check_slug
from osezia.tenants.visibility import PLATFORM
from osezia.web.lru import LRU

log = logging.getLogger("osezia.web.cache")

# Fields whose value is not a function of the read models at a position (the log's head, lags
# measured against the clock, decisions read from the log itself): a document that names one
# anywhere is never cached.
VOLATILE_FIELDS = frozenset({"projectionStatus", "decisions"})

MAX_ENTRIES = 10_000
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 1024 * 1024  # one large answer must not push out a thousand small ones
_KEY_OVERHEAD = 256  # the key's tuple and strings, roughly, counted in the byte budget

State = tuple[int, int, int, int]  # tenant version and position, platform version and position


@dataclass(frozen=True)
class Operation:
    """What a request's document asks, as far as caching and metrics need to know."""

    name: str | None  # the operation's name in the document, for the metrics
    cacheable: bool  # a query, with no volatile field
    unnamed_among_several: bool = False  # several operations, and none named to run
    cost: int = 1  # what answering it may cost, counted against the caller's budget


UNPARSED = Operation(name=None, cacheable=False)  # strawberry answers what is wrong with it


class _Volatile(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in VOLATILE_FIELDS:
            self.found = True


def analyse(document: str, operation_name: str | None) -> Operation:
    """Parse the document (within the token limit, once: strawberry is handed the same parse)
    and find the operation that will run."""
    found = parsed(document)
    if found is None:
        return Operation(name=None, cacheable=False)  # strawberry will answer the error
    operations = [d for d in found.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None and len(operations) > 1:
        return Operation(name=None, cacheable=False, unnamed_among_several=True)
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return Operation(name=None, cacheable=False)
    operation = operations[0]
    volatile = _Volatile()
    visit(found, volatile)
    return Operation(
        name=operation.name.value if operation.name else None,
        cacheable=operation.operation is OperationType.QUERY and not volatile.found,
        cost=operation_cost(operation, found),
    )


class Analyses:
    """analyse(), remembered per document and operation name: clients repeat their documents."""

    def __init__(self, size: int = 1000) -> None:
        self._known: LRU[tuple[bytes, str | None], Operation] = LRU(size)

    def of(self, digest: bytes, document: str, operation_name: str | None) -> Operation:
        key = (digest, operation_name)
        found = self._known.get(key)
        if found is None:
            found = analyse(document, operation_name)
            self._known.put(key, found)
        return found


def document_digest(document: str) -> bytes:
    return hashlib.sha256(document.encode()).digest()


def canonical(value: object) -> bytes:
    """The same JSON value gives the same 16 bytes, whatever the order of its keys: a digest of
    its JSON, so that a key costs what _KEY_OVERHEAD counts whatever the client sent (orjson's
    own bytes keep their 4 KB buffer: three per key held 12 KB beside each 9 KB answer)."""
    return hashlib.blake2b(
        orjson.dumps(value, option=orjson.OPT_SORT_KEYS), digest_size=16
    ).digest()


class CacheKey(NamedTuple):
    """What makes two requests the same answer (`cache_key`)."""

    tenant: str
    role: str
    scopes: tuple[str, ...]
    digest: bytes
    variables: bytes
    operation_name: bytes
    extensions: bytes
    state: State  # of the tenant's read models, when the request arrived
    today: date


class ResponseCache:
    """Answers by key, least recently used first out, within a count and a byte budget.

    Only the answers of each tenant's current state are kept: a key of a later state moves the
    tenant there, and the answers of earlier states, which no request can be served again, are
    dropped at once rather than kept until they are the least recently used (a person erased
    since may be in them). A slow request's answer, read at a state gone by, is not kept."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[CacheKey, bytes] = OrderedDict()
        self.bytes = 0
        self._keys_of: dict[str, set[CacheKey]] = {}  # each tenant's keys
        self._states: dict[str, State] = {}  # each tenant's current state, the latest seen

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> bytes | None:
        self._move(key)
        body = self._entries.get(key)
        if body is not None:
            self._entries.move_to_end(key)
        return body

    def put(self, key: CacheKey, body: bytes) -> None:
        size = len(body) + _KEY_OVERHEAD
        if not self._move(key) or size > MAX_ENTRY_BYTES or key in self._entries:
            return
        self._entries[key] = body
        self._keys_of.setdefault(key.tenant, set()).add(key)
        self.bytes += size
        while len(self._entries) > self._max_entries or self.bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))

    def _move(self, key: CacheKey) -> bool:
        """Move the key's tenant to the key's state if it is later than the one seen (and drop
        the tenant's answers); whether the key's state is the tenant's current one."""
        known = self._states.get(key.tenant)
        if known == key.state:
            return True
        if known is not None and any(a < b for a, b in zip(key.state, known, strict=True)):
            return False  # a slow request's: the tenant moved on since
        self._states[key.tenant] = key.state
        for dropped in list(self._keys_of.get(key.tenant, ())):
            self._drop(dropped)
        return True

    def _drop(self, key: CacheKey) -> None:
        body = self._entries.pop(key)
        self.bytes -= len(body) + _KEY_OVERHEAD
        keys = self._keys_of[key.tenant]
        keys.discard(key)
        if not keys:
            del self._keys_of[key.tenant]


class ReadModelStates:
    """The current state of a tenant's read models, read once for all the requests waiting."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._waiting: dict[str, asyncio.Future[State | None]] = {}
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._queries: dict[str, str] = {}

    async def current(self, tenant: str) -> State | None:
        """None when the tenant has no live read models yet (or they cannot be read)."""
        if tenant not in self._queries:
            if not _is_slug(tenant):  # it becomes an identifier; tokens name real tenants
                return None
            self._queries[tenant] = _state_query(tenant)
        waiting = self._waiting.get(tenant)
        if waiting is None:
            waiting = self._waiting[tenant] = asyncio.get_running_loop().create_future()
            if tenant not in self._readers:
                self._readers[tenant] = asyncio.create_task(self._read_while_asked(tenant))
        # Shielded: a request that goes away must not cancel the read the others wait for.
        return await asyncio.shield(waiting)

    async def close(self) -> None:
        for reader in list(self._readers.values()):
            reader.cancel()
        await asyncio.gather(*self._readers.values(), return_exceptions=True)

    async def _read_while_asked(self, tenant: str) -> None:
        try:
            # Taken before the read starts: whoever asks from now on waits for the next read.
            while (waiting := self._waiting.pop(tenant, None)) is not None:
                try:
                    waiting.set_result(await self._read(tenant))
                except asyncio.CancelledError:
                    waiting.cancel()
                    raise
                except Exception as error:  # a bug: the waiting requests answer 500
                    waiting.set_exception(error)
        finally:
            del self._readers[tenant]
            if (left := self._waiting.pop(tenant, None)) is not None:
                left.cancel()

    async def _read(self, tenant: str) -> State | None:
        try:
            async with self._pool.acquire() as conn:
                record = await conn.fetchrow(self._queries[tenant], tenant, PLATFORM)
        except asyncpg.UndefinedTableError:
            return None  # the tenant's first read models are still being built
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            log.warning("read-model state of %s unreadable, not caching: %s", tenant, error)
            return None
        if record is None or None in record.values():
            return None
        return (record[0], record[1], record[2], record[3])


def _state_query(tenant: str) -> str:
    live = "SELECT version FROM read_model_versions WHERE target = {} AND status = 'LIVE'"
    # One statement, one snapshot: a swap commits the versions and the views together.
    return (
        f"SELECT ({live.format('$1')}), "
        f'(SELECT position FROM "{stable_schema(tenant)}".tracking), '
        f"({live.format('$2')}), "
        f'(SELECT position FROM "{stable_schema(PLATFORM)}".tracking)'
    )


def _is_slug(tenant: str) -> bool:
    try:
        check_slug(tenant)
    except DomainError:
        return False
    return True


def cache_key(
    *,
    tenant: str,
    role: str,
    scopes: frozenset[str],
    digest: bytes,
    request: Mapping[str, object],
    state: State,
    today: date,
) -> CacheKey:
    """What makes two requests the same answer. `today` (in France) is part of it: a query
    without a date (progress as of today) answers differently after midnight even when
    nothing was recorded."""
    return CacheKey(
        tenant,
        role,
        tuple(sorted(scopes)),
        digest,
        # As bytes: any JSON value a client sends must make a key (a list is not hashable).
        canonical(request.get("variables")),
        canonical(request.get("operationName")),
        canonical(request.get("extensions")),
        state,
        today,
    )


def may_serve_cached(consistency_token: str | None, position: int) -> bool:
    """A request that carries a consistency token may be served an answer computed at
    `position` only if the token is a position at or before it. A malformed token bypasses the
    cache, so that the resolvers report it."""
    try:
        wanted = position_of(consistency_token)
    except InvalidValue:
        return False
    return wanted is None or wanted <= position
