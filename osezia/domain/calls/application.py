"""The write API for calls for projects, Pionniers de l'IA's gated phases included."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.budget.charges import charging, the_envelope
from osezia.domain.budget.model import Measure
from osezia.domain.calendar import Since
from osezia.domain.calls.model import CallForProjects, CallKind, Phase, checked_phases
from osezia.domain.calls.submissions import CallApplication, PrioritySector
from osezia.domain.calls.templates import CallTemplate, CallTemplates
from osezia.domain.commands import Command
from osezia.domain.companies.standing import seen_company
from osezia.domain.errors import AlreadyApplied, AlreadyExists, InvalidValue, NotFound
from osezia.domain.identifiers import normalise_siren
from osezia.domain.inputs import choice, text


class Calls(PlatformApplication):
    """Opens calls, takes companies' applications and follows them through their phases.

    ``templates`` holds the calls a code alone may open; ``today`` tells the date an
    application is submitted on, which must fall within its call's dates: the date in France,
    as calls' dates are French days, not the server's; tests fix both.
    """

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        templates: CallTemplates | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with, today=today)
        self.templates = templates or CallTemplates()

    def open_call(
        self,
        tenant: str,
        *,
        code: str,
        opens_on: date,
        closes_on: date,
        template: str | None = None,
        title: str | None = None,
        kind: str | None = None,
        phases: Sequence[Phase] | None = None,
        selection_target: int | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Open a call. Values not given come from the template (by default, the one named
        like the call's code); without a template, the title, kind and phases are needed."""

        def run() -> tuple[UUID, list[Aggregate]]:
            call_code = text(code, "call code")
            base = self._template(template, call_code)
            if base is _NO_TEMPLATE and kind is None:
                raise InvalidValue(f"call {call_code!r} has no template: give its kind")
            CallForProjects.check_dates(opens_on, closes_on)
            target = selection_target if selection_target is not None else base.selection_target
            CallForProjects.check_selection_target(target)
            call_id = CallForProjects.create_id(call_code)
            if self.find(call_id, CallForProjects) is not None:
                raise AlreadyExists(f"a call with code {call_code!r} is already open")
            call = CallForProjects(
                tenant=tenant,
                code=call_code,
                title=text(title if title is not None else base.title, "call title"),
                kind=choice(CallKind, kind, "call kind") if kind is not None else base.kind,
                opens_on=opens_on,
                closes_on=closes_on,
                phases=[
                    p.as_data() for p in checked_phases(base.phases if phases is None else phases)
                ],
                selection_target=target,
            )
            return call.id, [call]

        arguments = (code, opens_on, closes_on, template, title, kind, phases, selection_target)
        return self.execute(tenant, idempotency_key, Command.OPEN_CALL, arguments, run)

    def submit_application(
        self,
        tenant: str,
        *,
        call_id: UUID,
        company_id: UUID,
        project_title: str,
        consortium_sirens: Sequence[str] = (),
        priority_sector: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            record = company.record(tenant)
            call = self.find(call_id, CallForProjects)
            if call is None:
                raise NotFound(f"no call with id {call_id}")
            title = text(project_title, "project title")
            sector = (
                None
                if priority_sector is None
                else choice(PrioritySector, priority_sector, "priority sector").value
            )
            consortium = list(dict.fromkeys(normalise_siren(s) for s in consortium_sirens))
            submitted_on = self.today()
            call.check_open_on(submitted_on)
            application_id = CallApplication.create_id(call_id, company_id)
            if self.find(application_id, CallApplication) is not None:
                # One application per company and call, whichever network sent it: the answer
                # names no network.
                raise AlreadyApplied(f"company {company.siren} already applied to call {call.code}")
            application = CallApplication(
                tenant=tenant,
                call_id=call_id,
                call_code=call.code,
                company_id=company_id,
                company_siren=company.siren,
                company_name=record.legal_name,
                region=record.region,
                project_title=title,
                consortium_sirens=consortium,
                phases=[p.as_data() for p in call.phases],
                submitted_on=submitted_on,
                priority_sector=sector,
            )
            return application.id, [application]

        arguments: tuple[object, ...] = (
            call_id,
            company_id,
            project_title,
            list(consortium_sirens),
        )
        if priority_sector is not None:  # so that earlier receipts keep their fingerprint
            arguments += (priority_sector,)
        return self.execute(tenant, idempotency_key, Command.SUBMIT_APPLICATION, arguments, run)

    def select_application(
        self, tenant: str, application_id: UUID, *, idempotency_key: str | None = None
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            application = self.get_application(tenant, application_id)
            application.select(tenant)
            return None, [application]

        self.execute(tenant, idempotency_key, Command.SELECT_APPLICATION, (application_id,), run)

    def reject_application(
        self,
        tenant: str,
        application_id: UUID,
        *,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            application = self.get_application(tenant, application_id)
            application.reject(tenant, text(reason, "rejection reason"))
            return None, [application]

        arguments = (application_id, reason)
        self.execute(tenant, idempotency_key, Command.REJECT_APPLICATION, arguments, run)

    def award_phase(
        self,
        tenant: str,
        application_id: UUID,
        *,
        phase: int,
        amount_cents: int,
        months: int,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        """Award a phase; once the plan's budget is open, the same save commits the amount on
        its CALLS measure under the reference CALL-<application id>-P<phase>: an award the
        measure cannot take is refused (budget.charges)."""

        def run() -> tuple[None, list[Aggregate]]:
            application = self.get_application(tenant, application_id)
            self.happened(on, "an award", self._submission(application))
            application.award_phase(tenant, phase, amount_cents, months, on)
            envelope = the_envelope(self)
            if envelope is None:
                return None, [application]
            reference = f"CALL-{application_id}-P{phase}"
            envelope.commit(Measure.CALLS, amount_cents, reference, on)
            return None, [application, envelope]

        arguments = (application_id, phase, amount_cents, months, on)
        charging(lambda: self.execute(tenant, idempotency_key, Command.AWARD_PHASE, arguments, run))

    def evaluate_gate(
        self,
        tenant: str,
        application_id: UUID,
        *,
        phase: int,
        passed: bool,
        on: date,
        comment: str,
        idempotency_key: str | None = None,
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            application = self.get_application(tenant, application_id)
            note = text(comment, "gate comment")
            self.happened(on, "a gate evaluation", self._submission(application))
            application.evaluate_gate(tenant, phase, passed, on, note)
            return None, [application]

        arguments = (application_id, phase, passed, on, comment)
        self.execute(tenant, idempotency_key, Command.EVALUATE_GATE, arguments, run)

    @staticmethod
    def _submission(application: CallApplication) -> Since:
        """What happens to an application happens after it was submitted."""
        return Since(
            application.submitted_on,
            f"when the application to call {application.call_code} was submitted",
        )

    def get_call(self, call_id: UUID) -> CallForProjects:
        """Any call: calls are public."""
        call = self.find(call_id, CallForProjects)
        if call is None:
            raise NotFound(f"no call with id {call_id}")
        return call

    def get_application(self, tenant: str, application_id: UUID) -> CallApplication:
        """The application, for the network that filed it or one of its call's contractors."""
        application = self.find(application_id, CallApplication)
        # A foreign tenant's id is reported as not found, not forbidden, so ids can't be probed.
        if application is None or tenant not in {application.tenant, *application.contractors}:
            raise NotFound(f"no application with id {application_id}")
        return application

    def _template(self, template: str | None, code: str) -> CallTemplate:
        found = self.templates.get(template or code)
        if found is not None:
            return found
        if template is not None:
            raise InvalidValue(f"no call template {template!r}")
        return _NO_TEMPLATE


# What a call opened without a template starts from: every value must then be given.
_NO_TEMPLATE = CallTemplate(title="", kind=CallKind.SELECTIVE, phases=())
