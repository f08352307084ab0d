from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.trainings.types import Audience


@strawberry.type
class TrainingsMutations:
    @strawberry.mutation(
        description="Enrol a learner, known by a pseudonymous reference, in a training."
    )
    async def enrol_learner(
        self,
        info: Info,
        learner_ref: str,
        training_code: str,
        training_title: str,
        audience: Audience,
        region: str,
        enrolled_on: date,
        siren: str | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.trainings, info.context.tenant
        return await run_command(
            info,
            Command.ENROL_LEARNER,
            a,
            lambda: a.enrol_learner(
                tenant,
                learner_ref=learner_ref,
                training_code=training_code,
                training_title=training_title,
                audience=audience,
                region=region,
                siren=siren,
                on=enrolled_on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record that the learner completed the training.")
    async def complete_training(
        self,
        info: Info,
        training_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.trainings, info.context.tenant
        return await run_command(
            info,
            Command.COMPLETE_TRAINING,
            a,
            lambda: a.complete_training(
                tenant,
                uuid_of(training_id, "training enrolment"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )
