"""The GraphQL view: every request authenticated, repeated queries answered from the response
cache, each request measured; websockets authenticated in connection_init.

A request body is read before anything parses it, and only up to `OSEZIA_MAX_BODY_BYTES`: a
larger one is refused with 413, by its Content-Length before a byte is read, or as soon as a
chunked body passes the limit (decoding a 30 MB document held the event loop for seconds). A
body that is not one JSON object, or nests deeper than 1024 levels, is refused with 400. Every
refusal of a request as a whole is a JSON `{"errors": [{"message", "extensions": {"code"}}]}`.

Browsers cannot send headers on a websocket: its access token comes in connection_init's
payload, `{"Authorization": "Bearer …"}` or `{"token": "…"}` (a non-browser client may send
the Authorization header in the handshake instead). The socket is closed with 4403 once its
caller may no longer act: its token expired, its client revoked or its tenant suspended.

Outside production a browser's GET of /graphql gets GraphiQL, served with its scripts from the
package (osezia.web.graphiql: no request leaves for a CDN), and, where the development
tenant header is accepted, with that header filled in.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException  # strawberry's HTTP layer
from graphql import GraphQLError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from osezia.graphql.context import Context
from osezia.graphql.principal import TENANT_HEADER, Principal
from osezia.graphql.reading import CONSISTENCY_HEADER
from osezia.graphql.schema import build_schema
from osezia.projections.asof import today
from osezia.store.settings import Settings
from osezia.tenants.profiles import Profile
from osezia.web.auth.errors import InvalidToken
from osezia.web.cache import (
    UNPARSED,
    Analyses,
    CacheKey,
    Operation,
    ResponseCache,
    cache_key,
    document_digest,
    may_serve_cached,
)
from osezia.web.graphiql.page import GraphiQLPage
from osezia.web.metrics import Metrics
from osezia.web.persisted import Documents, DocumentsSocket
from osezia.web.ratelimit import GraphQLRateLimit
from osezia.web.refusal import Refused, refusal
from osezia.web.services import services_of
from osezia.web.sockets import SocketContext

MAX_SUBSCRIPTIONS_PER_CONNECTION = 10
# The network whose header GraphiQL starts with where the development tenant header is accepted.
DEVELOPMENT_TENANT = "cci"


class GraphQLView(GraphQL[Context, None]):
    """strawberry's ASGI view, with the caller authenticated before strawberry sees a request."""

    # Closes a socket its caller outlived; finds its documents as a request's are found.
    graphql_transport_ws_handler_class = DocumentsSocket

    def __init__(
        self,
        settings: Settings,
        metrics: Metrics,
        cache: ResponseCache | None,
        rate_limit: GraphQLRateLimit,
    ) -> None:
        super().__init__(
            build_schema(production=settings.is_production),
            graphql_ide=None if settings.is_production else "graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
            allowed_origins=settings.allowed_origins,
        )
        self._metrics, self._cache, self._rate_limit = metrics, cache, rate_limit
        self.documents = Documents(registered_only=settings.registered_documents_only)
        self._analyses = Analyses()
        self._max_body_bytes = settings.max_body_bytes
        self._graphiql = None if settings.is_production else GraphiQLPage(_ide_headers(settings))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Websockets authenticate in connection_init (on_ws_connect): browsers cannot send
        # headers on a websocket.
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        if self._graphiql is not None and self._graphiql.asks_for_an_asset(request):
            await self._graphiql.asset(request)(scope, receive, send)
            return
        if self._is_ide_page(request):
            await (await self.render_graphql_ide(request))(scope, receive, send)
            return
        try:
            response, operation, outcome = await self._respond(request)
        except ClientDisconnect:
            return  # gone while sending its body: there is no one to answer
        await response(scope, receive, send)
        self._metrics.graphql_request(operation, outcome, time.perf_counter() - started)

    async def _respond(self, request: Request) -> tuple[Response, str, str]:
        """The response, the operation's label for the metrics, and the outcome."""
        try:
            principal = await services_of(request).auth.authenticate(request.headers)
        except InvalidToken as invalid:
            return invalid.response(), "unauthenticated", "unauthorized"
        request.state.principal = principal  # for get_context
        try:
            request = await _buffered(request, self._max_body_bytes)
            body, digest = await _graphql_body(request), None
            if body is not None:
                body, digest = await self.documents.resolve(body, services_of(request).pool)
                request.state.document = body.get("query")  # for execute_single
        except Refused as refused:
            return refused.response(), "unparsed", "rejected"
        operation, key = await self._operation(request, principal, body, digest)
        if body is not None:
            request.state.operation = operation  # for execute_single: strawberry reads this body
        label = self._metrics.operation(operation.name)
        limited = await self._rate_limit.refusal(principal, operation.cost)
        if limited is not None:
            return limited, label, "rejected"
        if key is not None and self._cache is not None:
            cached = self._cache.get(key)
            self._metrics.cache_requests.inc("miss" if cached is None else "hit")
            if cached is not None:
                hit = Response(cached, media_type="application/json", headers={"X-Cache": "hit"})
                return hit, label, "ok"
        response = await self._run(request)
        succeeded = getattr(request.state, "succeeded", False)  # set by execute_single
        if key is not None and self._cache is not None:
            response.headers["X-Cache"] = "miss"
            streamed = isinstance(response, StreamingResponse)
            if succeeded and response.status_code == 200 and not streamed:
                self._cache.put(key, bytes(response.body))
        if response.status_code >= 400:
            return response, label, "rejected" if response.status_code < 500 else "failed"
        return response, label, "ok" if succeeded else "errors"

    async def _operation(
        self,
        request: Request,
        principal: Principal,
        body: dict[str, object] | None,
        digest: bytes | None,
    ) -> tuple[Operation, CacheKey | None]:
        """The operation that will run, and its cache key if it may be cached; `digest` is the
        body's document's (Documents.resolve), None without one."""
        document = body.get("query") if body is not None else None
        if body is None or digest is None or not isinstance(document, str):
            return UNPARSED, None  # strawberry answers what is wrong with it
        asked = body.get("operationName")
        operation = self._analyses.of(digest, document, asked if isinstance(asked, str) else None)
        # Only a POSTed query answered as one JSON document (not streamed: SSE, multipart).
        cacheable = (
            self._cache is not None
            and operation.cacheable
            and request.method == "POST"
            and self._get_stream_transport_from_headers(request.headers) is None
        )
        if not cacheable:
            return operation, None
        state = await services_of(request).states.current(principal.tenant)
        if state is None:
            return operation, None
        if not may_serve_cached(request.headers.get(CONSISTENCY_HEADER), state[1]):
            return operation, None  # it asks for a write the read models have not reached
        key = cache_key(
            tenant=principal.tenant,
            role=principal.role,
            scopes=principal.scopes,
            digest=digest,
            request=body,
            state=state,
            today=today(),
        )
        return operation, key

    async def _run(self, request: Request) -> Response:
        try:
            return await self.run(request)
        except HTTPException as error:  # strawberry's refusal of the request, as JSON
            return refusal(error.status_code, "BAD_REQUEST", error.reason)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        document = getattr(request.state, "document", None)
        if request_data.query is None and isinstance(document, str):
            request_data.query = document  # the document a persisted query's hash stands for
        if request_data.operation_name is None and self._several(request, request_data.query):
            # strawberry would run the first one; the client may have meant any of them.
            error = GraphQLError(
                "the document holds several operations: name the one to run in `operationName`",
                extensions={"code": "OPERATION_NAME_REQUIRED"},
            )
            return ExecutionResult(data=None, errors=[error])
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        request.state.succeeded = not result.errors
        return result

    def _several(self, request: Request, document: str | None) -> bool:
        """Whether the document holds several operations: as analysed in _respond, where the
        request's body was JSON or a GET's parameters (its document hashed once, there), else
        analysed now."""
        operation = getattr(request.state, "operation", None)
        if isinstance(operation, Operation):
            return operation.unnamed_among_several
        if not isinstance(document, str):
            return False
        return self._analyses.of(document_digest(document), document, None).unnamed_among_several

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses what json accepts and the API must not: NaN and Infinity, lone
        # surrogates, and nesting beyond 1024 levels (json recurses until RecursionError).
        return orjson.loads(data)

    def encode_json(self, data: object) -> str | bytes:
        # orjson writes a page of results several times faster than json; as text, because
        # strawberry sends bytes over a websocket as a binary frame, which clients refuse.
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:  # an integer beyond 64 bits: written as its digits
            return orjson.dumps(_wide_integers(data)).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        # strawberry's page loads GraphiQL from unpkg.com: this one, from the package.
        assert self._graphiql is not None  # the IDE is only served outside production
        return self._graphiql.page()

    def _is_ide_page(self, request: Request) -> bool:
        return self.graphql_ide is not None and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services = services_of(request)
        if isinstance(request, WebSocket):
            return SocketContext(
                tenant="",
                platform=services.platform,
                pool=services.pool,
                role="",
                scopes=frozenset(),
                profile=Profile(commands=frozenset()),
                changes=services.changes,
                handshake_headers=request.headers,
                auth=services.auth,
            )
        principal = request.state.principal  # set by __call__, which refuses a request without
        return Context(
            tenant=principal.tenant,
            platform=services.platform,
            pool=services.pool,
            role=principal.role,
            scopes=principal.scopes,
            profile=await services.auth.profile(principal.tenant),
            consistency_token=request.headers.get(CONSISTENCY_HEADER),
            changes=services.changes,
            principal=principal,
            prebuilt={},  # answers are written by orjson (encode_json): lists may be prebuilt
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """connection_init: authenticate the payload's token, or refuse the connection (4403)."""
        assert isinstance(context, SocketContext)
        auth = context.auth
        assert auth is not None  # get_context gives every socket the server's
        credentials = _credentials(context.connection_params) or context.handshake_headers
        try:
            principal = await auth.authenticate(credentials)
        except InvalidToken as invalid:
            raise ConnectionRejectionError({"reason": invalid.description}) from None
        context.principal = principal  # watched from the acknowledgement on
        context.tenant, context.role = principal.tenant, principal.role
        context.scopes = principal.scopes
        context.profile = await auth.profile(principal.tenant)
        return UnsetType()  # the singleton UNSET: acknowledge with no payload


def _wide_integers(value: object) -> object:
    """The data with each integer beyond 64 bits as its digits, which orjson writes as they are
    (as it does a prebuilt page's nodes: osezia.graphql.prebuilt)."""
    if isinstance(value, dict):
        return {k: _wide_integers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wide_integers(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return orjson.Fragment(str(value))
    return value


def _ide_headers(settings: Settings) -> dict[str, str] | None:
    """The headers GraphiQL starts with: the development tenant header where it is accepted
    (`make run`), so that a query answers at once; none elsewhere."""
    if not settings.dev_tenant_header or settings.is_production:
        return None
    return {"-".join(w.capitalize() for w in TENANT_HEADER.split("-")): DEVELOPMENT_TENANT}


def _credentials(payload: Mapping[str, object]) -> dict[str, str]:
    """connection_init's payload as the headers auth reads: `{"Authorization": "Bearer …"}` or
    `{"token": "…"}` (or, in development when enabled, the tenant header)."""
    given = {k.lower(): v for k, v in payload.items() if isinstance(v, str)}
    if "token" in given:
        given.setdefault("authorization", f"Bearer {given['token']}")
    return {k: given[k] for k in ("authorization", TENANT_HEADER) if k in given}


async def _buffered(request: Request, limit: int) -> Request:
    """The request with its body read, refused with 413 past `limit` bytes: by Content-Length
    before reading, or while reading a chunked body."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, replay)


def _too_large(limit: int) -> Refused:
    return Refused(413, "BODY_TOO_LARGE", f"the request body is larger than {limit} bytes")


@functools.lru_cache(maxsize=64)
def _media_type(content_type: str) -> str:
    """A Content-Type header's media type; parsed through the email package once a header's
    text, where it cost 1.5 % of an answer from the response cache."""
    media_type, _ = parse_content_type(content_type)
    return media_type


async def _graphql_body(request: Request) -> dict[str, object] | None:
    """The request's GraphQL parameters when it sends them as JSON (or by GET); a JSON body
    that is not one object is refused."""
    if request.method == "GET":
        return dict(request.query_params)
    if "application/json" not in _media_type(request.headers.get("content-type", "")):
        return None  # strawberry answers it
    try:
        body = orjson.loads(await request.body())  # kept by the request for strawberry
    except orjson.JSONDecodeError as error:
        raise Refused(
            400, "BAD_REQUEST", f"the request body is not JSON (or nests over 1024 levels): {error}"
        ) from None
    if not isinstance(body, dict):
        raise Refused(
            400,
            "BAD_REQUEST",
            'the request body must be one JSON object: {"query": "…", "variables": {…}}',
        )
    return body
