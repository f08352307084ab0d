"""Running a command from a mutation: authorise, run it in a thread, answer with its outcome.

eventsourcing is synchronous: the command runs in a worker thread, and reports the log
position of what it appended as a consistency token the read side can wait for. Every event it
appends records the verified caller as its actor (osezia.domain.actors).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import nullcontext
from typing import Annotated
from uuid import UUID

import strawberry

from osezia.domain.actors import Actor, acting
from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.errors import DomainError, NotFound
from osezia.graphql.context import Info
from osezia.graphql.errors import Problem
from osezia.graphql.principal import TENANT_HEADER, Principal


@strawberry.type(
    description="A command was applied. Send `consistencyToken` with a query to "
    "read your own write (argument or header `X-Consistency-Token`)."
)
class Done:
    id: strawberry.ID | None
    consistency_token: str


CommandResult = Annotated[Done | Problem, strawberry.union("CommandResult")]


def uuid_of(value: strawberry.ID | str, label: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        # A malformed id finds nothing, like another tenant's id: nothing to probe.
        raise NotFound(f"no {label} with id {value}") from None


def actor_of(principal: Principal) -> Actor:
    """The caller as the actor of its commands: one of our clients by its id, a person by the
    identity provider's subject, a developer's tenant header as ``dev:<tenant>``."""
    tenant = principal.tenant
    if principal.client_id is not None:
        return Actor(principal.client_id, tenant, "client")
    if principal.subject == f"{TENANT_HEADER}:{tenant}":
        return Actor(f"dev:{tenant}", tenant, "developer")
    return Actor(principal.subject, tenant, "person")


async def run_command(
    info: Info,
    command: Command,
    app: PlatformApplication,
    call: Callable[[], UUID | None],
) -> Done | Problem:
    refused = info.context.refuse(command)
    if refused is not None:
        return Problem.of(refused)

    principal = info.context.principal
    # Without a principal (a schema executed in-process, as tests do) the process's actor holds.
    actor = acting(actor_of(principal)) if principal is not None else nullcontext()

    def work() -> tuple[UUID | None, int]:
        with actor:
            result = call()
        return result, app.last_position()

    try:
        result, position = await asyncio.to_thread(work)
    except DomainError as error:
        return Problem.of(error)
    return Done(
        id=strawberry.ID(str(result)) if result is not None else None,
        consistency_token=str(position),
    )
