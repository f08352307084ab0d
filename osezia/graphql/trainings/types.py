from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.trainings.model import Audience as Audience
from osezia.domain.trainings.model import EnrolmentStatus as EnrolmentStatus
from osezia.graphql.enums import register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.trainings import TrainingCount, TrainingRow

# This feature's closed sets, as the schema names them.
register_enum(Audience, "Audience", "Who a training of the Académie de l'IA is for.")
register_enum(EnrolmentStatus, "EnrolmentStatus", "A learner is ENROLLED, then has COMPLETED.")


@strawberry.type(description="A learner's enrolment in a training of the Académie de l'IA.")
class Training(Node):
    id: strawberry.ID
    learner_ref: str = strawberry.field(description="The training platform's pseudonymous code.")
    audience: Audience
    region: str
    company_id: strawberry.ID | None
    training_code: str
    training_title: str
    status: EnrolmentStatus
    enrolled_on: date
    completed_on: date | None

    @classmethod
    def of(cls, row: TrainingRow) -> Training:
        company_id = row.company_id
        return cls(
            id=strawberry.ID(str(row.id)),
            learner_ref=row.learner_ref,
            audience=Audience(row.audience),
            region=row.region,
            company_id=None if company_id is None else strawberry.ID(str(company_id)),
            training_code=row.training_code,
            training_title=row.training_title,
            status=EnrolmentStatus(row.status),
            enrolled_on=row.enrolled_on,
            completed_on=row.completed_on,
        )


@strawberry.type(description="Learners of one audience in one region, over the whole plan.")
class TrainingFigure:
    audience: Audience
    region: str
    enrolled: int = strawberry.field(description="Enrolments recorded by the end of the day.")
    completed: int = strawberry.field(description="Completions recorded by the end of the day.")

    @classmethod
    def of(cls, count: TrainingCount) -> TrainingFigure:
        return cls(
            audience=Audience(count.audience),
            region=count.region,
            enrolled=count.enrolled,
            completed=count.completed,
        )


register_node("trainings", TrainingRow.from_row, Training.of)
