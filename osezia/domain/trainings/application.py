"""The write API for the Académie de l'IA: learners enrolled and trainings completed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.companies.model import Company
from osezia.domain.errors import AlreadyExists
from osezia.domain.geography import normalise_region
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import text
from osezia.domain.trainings.model import (
    Enrolment,
    audience_of,
    check_enrolment_date,
    learner_ref_of,
    training_code_of,
)


class Trainings(PlatformApplication):
    """Enrols learners in trainings and records their completions.

    ``today`` tells the date that enrolments and completions may not be after: the date in
    France, as the figures count days, not the server's; tests fix it.
    """

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with, today=today)

    def enrol_learner(
        self,
        tenant: str,
        *,
        learner_ref: str,
        training_code: str,
        training_title: str,
        audience: str,
        region: str,
        on: date,
        siren: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            ref, code = learner_ref_of(learner_ref), training_code_of(training_code)
            check_enrolment_date(on, self.today())
            enrolment_id = Enrolment.create_id(tenant, ref, code)
            # The id is the tenant's own, so this finds only what this network enrolled; an
            # enrolment recorded before ids were keyed is found by its earlier id.
            earlier = (enrolment_id, Enrolment.legacy_id(tenant, ref, code))
            if any(self.find(i, Enrolment) is not None for i in earlier):
                raise AlreadyExists(f"learner {ref} is already enrolled in training {code}")
            # The company, when known, is named by the id its SIREN gives: no lookup, since
            # a learner's employer need not be registered on the platform.
            company_siren = None if siren is None else normalise_siren(siren)
            enrolment = Enrolment(
                tenant=tenant,
                learner_ref=ref,
                training_code=code,
                training_title=text(training_title, "training title"),
                audience=audience_of(audience).value,
                region=normalise_region(region),
                company_id=None if company_siren is None else Company.create_id(company_siren),
                company_siren=company_siren,
                on=on,
            )
            return enrolment.id, [enrolment]

        arguments = (learner_ref, training_code, training_title, audience, region, on, siren)
        return self.execute(tenant, idempotency_key, Command.ENROL_LEARNER, arguments, run)

    def complete_training(
        self, tenant: str, enrolment_id: UUID, *, on: date, idempotency_key: str | None = None
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            enrolment = self.get_enrolment(tenant, enrolment_id)
            enrolment.complete(on, self.today())
            return None, [enrolment]

        arguments = (enrolment_id, on)
        self.execute(tenant, idempotency_key, Command.COMPLETE_TRAINING, arguments, run)

    def get_enrolment(self, tenant: str, enrolment_id: UUID) -> Enrolment:
        return self.load(tenant, enrolment_id, Enrolment, "training enrolment")
