from __future__ import annotations

from typing import Annotated

import strawberry

from osezia.graphql.errors import Problem


@strawberry.type(
    description="Everything osezia holds about a person (RGPD art. 15), as one JSON document."
)
class PersonalDataExport:
    document: str = strawberry.field(
        description="A JSON object: `subject` (AMBASSADOR, EXPERT or LEARNER), `network` (their "
        "controller), `erased`, `records` (each record about them with every event, every field "
        "decrypted, when, through which network and by whom), `erasure` (the events of their "
        "erasure, if any) and `rows` (the read-model rows about them, by list)."
    )


PersonalDataExportResult = Annotated[
    PersonalDataExport | Problem, strawberry.union("PersonalDataExportResult")
]
