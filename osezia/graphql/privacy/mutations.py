from __future__ import annotations

from typing import Annotated, Any

import strawberry

from osezia.domain.commands import Command
from osezia.domain.grants import OPERATOR
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.errors import Problem
from osezia.graphql.privacy.types import PersonalDataExport, PersonalDataExportResult
from osezia.graphql.reading import read_models
from osezia.projections.erasure import export_json, export_rows

_PERSON_ID = (
    "The id of a record about the person: an ambassador's, a diagnostic's (its expert), an "
    "enrolment's (its learner, with every enrolment of theirs the network recorded), a "
    "company's whose catégorie juridique is 1000 (the entrepreneur individuel; a personne "
    "morale is NOT_A_PERSON, an unknown category LEGAL_CATEGORY_UNKNOWN)."
)


@strawberry.type
class PrivacyMutations:
    @strawberry.mutation(
        description="Export everything osezia holds about a person the caller's network "
        "recorded (every network's, for the plan's operator). Needs the admin scope; a person "
        "the network did not record is NOT_FOUND, like an id that does not exist. " + _PERSON_ID
    )
    async def export_person(self, info: Info, id: strawberry.ID) -> PersonalDataExportResult:
        p, tenant = info.context.platform.privacy, info.context.tenant
        exported: list[dict[str, Any]] = []

        def export() -> None:
            record_id = uuid_of(id, "person")
            everyone = tenant == OPERATOR
            exported.append(p.export_person(tenant, record_id, everyone=everyone))

        outcome = await run_command(info, Command.EXPORT_PERSON, p, export)
        if isinstance(outcome, Problem):
            return outcome
        (document,) = exported
        async with read_models(info) as conn:
            document["rows"] = await export_rows(conn, tenant, document)
        return PersonalDataExport(document=export_json(document))

    @strawberry.mutation(
        description="Erase a person the caller's network recorded (every network's, for the "
        "plan's operator): their keys are destroyed, their fields read « effacé » in every "
        "record, list and export, and the erasure is recorded with its legal ground, without "
        "their data. Figures do not change. Idempotent: erasing them again appends nothing. "
        "Needs the admin scope. " + _PERSON_ID
    )
    async def erase_person(
        self,
        info: Info,
        id: strawberry.ID,
        reason: Annotated[
            str,
            strawberry.argument(
                description="The legal ground (RGPD art. 17), as it is to be recorded: without "
                "the person's data."
            ),
        ],
    ) -> CommandResult:
        p, tenant = info.context.platform.privacy, info.context.tenant
        return await run_command(
            info,
            Command.ERASE_PERSON,
            p,
            lambda: p.erase_person(
                tenant, uuid_of(id, "person"), reason=reason, everyone=tenant == OPERATOR
            ),
        )
