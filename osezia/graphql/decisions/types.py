from __future__ import annotations

from datetime import datetime

import strawberry

from osezia.domain.decisions import Decision as RecordedDecision


@strawberry.type(
    description="A decision about a record: one event of it, when it was recorded, what it "
    "decided, through which network and by whom."
)
class Decision:
    version: int = strawberry.field(
        description="The event's place in the record's history, from 1."
    )
    recorded_at: datetime
    event: str = strawberry.field(description="What was decided, as the event's name.")
    network: str | None = strawberry.field(
        description="The network the decision was made through; null if it was recorded before "
        "decisions named their actor."
    )
    actor: str | None = strawberry.field(
        description="Who decided, by an identifier only: one of our clients' id, the identity "
        "provider's subject for a person, `dev:<network>` in development, an operator's user "
        "name for the `osezia` command, `demo` for the demo history."
    )
    actor_kind: str | None = strawberry.field(
        description="client, person, developer, cli or system."
    )

    @classmethod
    def of(cls, decision: RecordedDecision) -> Decision:
        actor = decision.actor
        return cls(
            version=decision.version,
            recorded_at=decision.recorded_at,
            event=decision.event,
            network=decision.via,
            actor=actor.id if actor else None,
            actor_kind=actor.kind if actor else None,
        )
