"""The write API for the plan's 200 M€ envelope: allocations, commitments, payments."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.budget.charges import the_envelope
from osezia.domain.budget.model import BudgetRules, Envelope, Measure
from osezia.domain.calendar import GENAI_CALL_OPENING, PLAN_LAUNCH, Since
from osezia.domain.commands import Command
from osezia.domain.errors import AlreadyExists, Conflict, NotFound
from osezia.domain.inputs import choice, text


class Budget(PlatformApplication):
    """Opens the envelope, commits and pays its funds, records the overrun decisions."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        rules: BudgetRules | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with)
        self.rules = rules or BudgetRules()

    def open_budget(
        self,
        tenant: str,
        *,
        total_cents: int | None = None,
        allocations: Mapping[str, int] | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Open the envelope; without amounts, with the rules' total and split."""
        total = self.rules.total_cents if total_cents is None else total_cents
        split = self.rules.allocations if allocations is None else allocations

        def run() -> tuple[UUID, list[Aggregate]]:
            envelope = Envelope.open(tenant, total, split)
            return envelope.id, [envelope]

        arguments = (total, sorted(split.items()))
        try:
            return self.execute(tenant, idempotency_key, Command.OPEN_BUDGET, arguments, run)
        except Conflict:
            # One envelope, with a fixed id: a second opening conflicts on version 1.
            raise AlreadyExists("the plan's budget is already open") from None

    def commit_funds(
        self,
        tenant: str,
        *,
        measure: str,
        amount_cents: int,
        reference: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        def commit(envelope: Envelope) -> None:
            measure_ = choice(Measure, measure, "measure")
            envelope.commit(
                measure_,
                amount_cents,
                text(reference, "commitment reference"),
                self.happened(on, "a commitment", since_measure(measure_)),
            )

        arguments = (measure, amount_cents, reference, on)
        self._change(tenant, idempotency_key, Command.COMMIT_FUNDS, arguments, commit)

    def pay_funds(
        self,
        tenant: str,
        *,
        measure: str,
        reference: str,
        amount_cents: int,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        def pay(envelope: Envelope) -> None:
            measure_ = choice(Measure, measure, "measure")
            envelope.pay(
                measure_,
                text(reference, "commitment reference"),
                amount_cents,
                self.happened(on, "a payment", since_measure(measure_)),
            )

        arguments = (measure, reference, amount_cents, on)
        self._change(tenant, idempotency_key, Command.PAY_FUNDS, arguments, pay)

    def authorise_overrun(
        self,
        tenant: str,
        *,
        measure: str,
        amount_cents: int,
        decision_reference: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        def authorise(envelope: Envelope) -> None:
            measure_ = choice(Measure, measure, "measure")
            envelope.authorise_overrun(
                measure_,
                amount_cents,
                text(decision_reference, "decision reference"),
                self.happened(on, "an overrun decision", since_measure(measure_)),
            )

        arguments = (measure, amount_cents, decision_reference, on)
        self._change(tenant, idempotency_key, Command.AUTHORISE_OVERRUN, arguments, authorise)

    def envelope(self) -> Envelope:
        """The envelope, for reading or for another application to change in its own save."""
        # The envelope is public: every network that may commit funds acts on the same one.
        envelope = the_envelope(self)
        if envelope is None:
            raise NotFound("the plan's budget is not open yet")
        return envelope

    def _change(
        self,
        tenant: str,
        idempotency_key: str | None,
        command: Command,
        arguments: Sequence[object],
        change: Callable[[Envelope], None],
    ) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            envelope = self.envelope()
            change(envelope)
            return None, [envelope]

        self.execute(tenant, idempotency_key, command, arguments, run)


def since_measure(measure: Measure) -> Since:
    """The first day a measure's money can move: the plan's launch, except for calls, which
    the plan took over while the oldest was already running."""
    return GENAI_CALL_OPENING if measure is Measure.CALLS else PLAN_LAUNCH
