"""The graphql-transport-ws connection: authenticated in connection_init, then closed with
4403 (Forbidden) as soon as its caller may no longer act (see osezia.web.auth.sockets)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from starlette.websockets import WebSocketDisconnect
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from osezia.graphql.context import Context
from osezia.graphql.principal import Principal
from osezia.web.auth.authority import Authority

FORBIDDEN = 4403  # graphql-transport-ws's close code for a caller refused


@dataclass
class SocketContext(Context):
    """A websocket's context, made at the handshake, before the caller is known: strawberry
    stores connection_init's payload in `connection_params`, and on_ws_connect fills in the
    caller once its credentials verify. Strawberry runs no operation before that."""

    connection_params: dict[str, object] = field(default_factory=dict)
    handshake_headers: Mapping[str, str] = field(default_factory=dict)
    auth: Authority | None = None  # the server's: it authenticates, and its sockets watch
    principal: Principal | None = None  # set by on_ws_connect


class StandingSocket(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, watched from its acknowledgement on."""

    _forget: Callable[[], None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        context = self.context
        if (
            self.connection_acknowledged
            and self._forget is None
            and isinstance(context, SocketContext)
            and context.auth is not None
            and context.principal is not None
        ):
            self._forget = context.auth.sockets.watch(context.principal, self.refuse)

    async def refuse(self, reason: str) -> None:
        """Stop every operation, so none sends after the close, then close with 4403."""
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        # The client may have gone in the meantime: then there is nothing left to close.
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await self.websocket.close(code=FORBIDDEN, reason=reason)

    async def shutdown(self) -> None:
        if self._forget is not None:
            self._forget()
        await super().shutdown()
