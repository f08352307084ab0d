"""What every resolver receives: who is asking, and the platform's write and read sides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg
from graphql.pyutils import Path
from strawberry.types import Info as StrawberryInfo

from osezia.domain.errors import Forbidden
from osezia.domain.platform import Platform
from osezia.graphql.prebuilt import ConnectionPlan, ListPlan
from osezia.graphql.principal import Principal
from osezia.observability.logs import note
from osezia.projections.changes import ChangeHub
from osezia.tenants.profiles import COMMANDS, Profile


@dataclass
class Context:
    tenant: str
    platform: Platform
    pool: asyncpg.Pool  # read models, taken as the tenant's role per transaction
    role: str  # the caller's role in its tenant's profile
    scopes: frozenset[str]  # read / write / approve / admin, as granted to this caller
    profile: Profile  # what the caller's network may do
    consistency_token: str | None = None  # from the X-Consistency-Token header, if sent
    changes: ChangeHub | None = None  # the process's feed of read-model positions
    loaders: dict[str, Any] = field(default_factory=dict)  # this request's DataLoaders
    principal: Principal | None = None  # the verified caller, the actor of its commands
    # Where the answer is written by orjson (the HTTP view): the plans of the lists whose
    # pages PostgreSQL writes as JSON, by the field's path (osezia.graphql.prebuilt).
    prebuilt: dict[Path, ConnectionPlan | ListPlan] | None = None

    def __post_init__(self) -> None:
        # Every line logged while answering (an unexpected error's too) names the caller.
        if self.principal is not None:
            caller = self.principal.client_id or self.principal.subject
            note(tenant=self.principal.tenant, client_id=caller)

    def refuse(self, command: str) -> Forbidden | None:
        """FORBIDDEN if the caller may not issue ``command``, else None: the network's profile
        must list the command, and the caller's token must carry the scope it needs."""
        if command not in self.profile.commands:
            return Forbidden(f"network {self.tenant} may not {command.replace('_', ' ')}")
        scope = COMMANDS[command]
        if scope not in self.scopes:
            held = " ".join(sorted(self.scopes)) or "none"
            return Forbidden(f"{command} needs the {scope} scope; this caller has: {held}")
        return None


Info = StrawberryInfo[Context, None]


def prebuilt_plan(info: Info) -> ConnectionPlan | ListPlan | None:
    """The plan of the field being resolved, if its page may be written by PostgreSQL."""
    plans = info.context.prebuilt
    return None if plans is None else plans.pop(info.path, None)
