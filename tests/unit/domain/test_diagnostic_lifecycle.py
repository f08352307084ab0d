"""Random command sequences, valid and invalid, against a diagnostic Data IA.

After every step: expert days never pass the cap, the status only moves along the lifecycle's
graph, the priorities rank every identified use case once, the State's share is the price times
the share rounded half up, a failed command leaves the log and the diagnostic unchanged, and
replaying the stored events reproduces the diagnostic exactly as the command left it in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID, uuid4

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.diagnostics.model import Diagnostic, DiagnosticStatus
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.errors import NotFound
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY
from tests.unit.domain.attempts import Attempts
from tests.unit.domain.saved import KeepsSaved

# The rules under test are not today's date: let every generated date have happened.
LATER = date(2030, 12, 31)

BPIFRANCE = "bpifrance"
CCI = "cci"

Status = DiagnosticStatus
BEFORE_REPORT = {
    Status.REQUESTED,
    Status.ELIGIBLE,
    Status.EXPERT_ASSIGNED,
    Status.INVENTORY_DELIVERED,
    Status.USE_CASES_IDENTIFIED,
    Status.USE_CASES_PRIORITISED,
}
DAYS_WINDOW = BEFORE_REPORT - {Status.REQUESTED, Status.ELIGIBLE}
# The lifecycle as the scheme describes it, written independently of the model's table.
EDGES = {
    (Status.REQUESTED, Status.ELIGIBLE),
    (Status.REQUESTED, Status.INELIGIBLE),
    (Status.ELIGIBLE, Status.EXPERT_ASSIGNED),
    (Status.EXPERT_ASSIGNED, Status.INVENTORY_DELIVERED),
    (Status.INVENTORY_DELIVERED, Status.USE_CASES_IDENTIFIED),
    (Status.USE_CASES_IDENTIFIED, Status.USE_CASES_PRIORITISED),
    (Status.USE_CASES_PRIORITISED, Status.REPORT_DELIVERED),
    (Status.REPORT_DELIVERED, Status.COFINANCING_PAID),
    *((status, Status.CANCELLED) for status in BEFORE_REPORT),
}


class RecordingDiagnostics(KeepsSaved, Diagnostics):
    """Keeps each diagnostic it saved, as the command left it in memory."""

    def __init__(self, companies: Companies) -> None:
        super().__init__(env=MEMORY, share_with=companies)


def state_share(price_cents: int, basis_points: int) -> int:
    exact = Decimal(price_cents) * basis_points / 10_000
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class DiagnosticLifecycle(Attempts):
    """One diagnostic per run, so that runs get far down its path rather than wide."""

    def __init__(self) -> None:
        super().__init__()
        self.companies = Companies(env=MEMORY, networks=NETWORKS, today=lambda: LATER)
        self.app = RecordingDiagnostics(self.companies)
        # A second application on the same store, that only ever reads: it replays.
        self.replayer = Diagnostics(env=MEMORY, share_with=self.companies)
        self.pme = self.register("552100018", Decimal(50), CCI, BPIFRANCE)
        self.micro = self.register("552100026", Decimal(4), CCI, BPIFRANCE)
        self.unseen = self.register("552100034", Decimal(50), CCI)  # Bpifrance does not follow
        self.diagnostic_id = uuid4()
        self.status = Status.REQUESTED
        self.last_read: tuple[int, Diagnostic] | None = None

    def register(self, siren: str, headcount: Decimal, *followers: str) -> UUID:
        """A company registered by each of ``followers`` in turn, with the same facts."""
        for tenant in followers:
            company_id = self.companies.register_company(
                tenant,
                siren=siren,
                legal_name=f"Société {siren}",
                region="11",
                departement="75",
                naf="62.01Z",
                size=SizeFacts(headcount_uta=headcount),
            )
        return company_id

    def log_length(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def get(self) -> Diagnostic:
        """The diagnostic, read again only when the log has grown (one writer: this machine)."""
        length = self.log_length()
        if self.last_read is None or self.last_read[0] != length:
            self.last_read = (length, self.read())
        return self.last_read[1]

    def read(self) -> Diagnostic:
        return self.app.get_diagnostic(BPIFRANCE, self.diagnostic_id)

    def snapshot(self) -> tuple[int, dict[str, object]]:
        """The log's length and the diagnostic as read again: a failed command changes neither."""
        return self.log_length(), vars(self.read())

    def attempt(self, command: Callable[[], None]) -> bool:
        """Run a command; if it fails, check that it changed nothing. True if it succeeded."""
        if not self.run_or_refuse(command):
            return False
        self.follow_status()  # a rule may take several steps: check each one
        return True

    def follow_status(self) -> None:
        diagnostic = self.get()
        assert diagnostic.status == self.status or (self.status, diagnostic.status) in EDGES
        if diagnostic.status is Status.INELIGIBLE:
            assert diagnostic.size_category == "MICRO"
        if diagnostic.status is Status.ELIGIBLE:
            assert diagnostic.size_category == "PME"
        self.status = diagnostic.status

    @initialize(
        eligible=st.sampled_from([True, True, True, False]),
        steps=st.integers(min_value=0, max_value=7),
        data=st.data(),
    )
    def request(self, eligible: bool, steps: int, data: st.DataObject) -> None:
        """Request a diagnostic and walk it some way down its path: runs start anywhere."""
        company_id = self.pme if eligible else self.micro
        self.diagnostic_id = self.app.request_diagnostic(BPIFRANCE, company_id=company_id)
        self.walk(steps, data)

    @rule(what=st.sampled_from(["unknown company", "unseen company", "foreign diagnostic"]))
    def send_a_command_that_finds_nothing(self, what: str) -> None:
        """An unknown company, a company the network neither follows nor was referred, or
        another network's diagnostic: not found, nothing appended."""
        length = self.log_length()
        try:
            if what == "foreign diagnostic":
                self.app.log_expert_days(CCI, self.diagnostic_id, days=1)
            elif what == "unseen company":
                self.app.request_diagnostic(BPIFRANCE, company_id=self.unseen)
            else:
                self.app.request_diagnostic(BPIFRANCE, company_id=uuid4())
        except NotFound:
            assert self.log_length() == length
        else:
            raise AssertionError("a command found what it should not have")

    @rule()
    def check_eligibility(self) -> None:
        self.attempt(lambda: self.app.check_eligibility(BPIFRANCE, self.diagnostic_id))

    @rule(expert=st.sampled_from(["Lumen", "  ", "Data & IA Conseil"]))
    def assign_expert(self, expert: str) -> None:
        self.attempt(lambda: self.app.assign_expert(BPIFRANCE, self.diagnostic_id, expert=expert))

    @rule(
        days=st.integers(min_value=-1, max_value=12),
        key=st.sampled_from([None, None, "days-1", "days-2"]),
    )
    def log_expert_days(self, days: int, key: str | None) -> None:
        logged_before, length = self.get().expert_days_logged, self.log_length()

        def log() -> None:
            self.app.log_expert_days(BPIFRANCE, self.diagnostic_id, days=days, idempotency_key=key)

        if self.attempt(log):
            logged = self.get().expert_days_logged
            # Either the days were added, or the key was already used for this very command.
            assert logged == logged_before + days or (
                self.log_length() == length and logged == logged_before
            )

    @rule()
    def deliver_inventory(self) -> None:
        self.attempt(lambda: self.app.deliver_inventory(BPIFRANCE, self.diagnostic_id))

    @rule(codes=st.lists(st.sampled_from(["A", "B", "C", " "]), max_size=4))
    def identify_use_cases(self, codes: list[str]) -> None:
        use_cases = [UseCase(code, f"Cas d'usage {code}") for code in codes]
        self.attempt(
            lambda: self.app.identify_use_cases(BPIFRANCE, self.diagnostic_id, use_cases=use_cases)
        )

    @rule(
        scores=st.lists(
            st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 6), st.integers(0, 6)),
            max_size=4,
        ),
    )
    def prioritise_use_cases(self, scores: list[tuple[str, int, int]]) -> None:
        scored = [UseCaseScore(code, value, feasibility) for code, value, feasibility in scores]
        self.attempt(
            lambda: self.app.prioritise_use_cases(BPIFRANCE, self.diagnostic_id, scores=scored)
        )

    @rule(on=st.dates(date(2025, 9, 1), date(2027, 12, 31)))
    def deliver_report(self, on: date) -> None:
        self.attempt(lambda: self.app.deliver_report(BPIFRANCE, self.diagnostic_id, on=on))

    @rule(price_cents=st.integers(min_value=-5, max_value=10**8))
    def pay_cofinancing(self, price_cents: int) -> None:
        self.attempt(
            lambda: self.app.pay_cofinancing(BPIFRANCE, self.diagnostic_id, price_cents=price_cents)
        )

    @rule(reason=st.sampled_from(["", " ", "l'entreprise renonce"]))
    def cancel(self, reason: str) -> None:
        self.attempt(
            lambda: self.app.cancel_diagnostic(BPIFRANCE, self.diagnostic_id, reason=reason)
        )

    @rule(steps=st.integers(min_value=1, max_value=8), data=st.data())
    def take_the_next_regular_steps(self, steps: int, data: st.DataObject) -> None:
        """Random commands alone seldom get far down the path, so this rule walks it.

        On the way it tries what the random rules rarely get to try at the right moment: more
        expert days (they may pass the cap) and a rough scoring (it may miss a use case, score
        one twice or rate outside 1-5). Those may be refused; the regular steps never are.
        """
        self.walk(steps, data)

    def walk(self, steps: int, data: st.DataObject) -> None:
        for _ in range(steps):
            self.try_the_rough_command(self.get(), data)
            diagnostic = self.get()
            step = self.regular_step(diagnostic, data)
            if step is None:  # a terminal status
                return
            assert self.attempt(step), f"the regular step from {diagnostic.status} failed"

    def try_the_rough_command(self, diagnostic: Diagnostic, data: st.DataObject) -> None:
        app, id_ = self.app, self.diagnostic_id
        if diagnostic.status in DAYS_WINDOW:
            days = data.draw(st.integers(min_value=0, max_value=6))
            if days:
                self.attempt(lambda: app.log_expert_days(BPIFRANCE, id_, days=days))
        if diagnostic.status is Status.USE_CASES_IDENTIFIED:
            codes = [u.code for u in diagnostic.use_cases]
            change = data.draw(st.sampled_from(["none", "drop", "repeat", "add"]))
            if change == "drop":
                codes.pop()
            elif change == "repeat":
                codes.append(codes[0])
            elif change == "add":
                codes.append("Z")
            rating = st.integers(min_value=0, max_value=6)
            scores = [UseCaseScore(code, data.draw(rating), data.draw(rating)) for code in codes]
            self.attempt(lambda: app.prioritise_use_cases(BPIFRANCE, id_, scores=scores))

    def regular_step(
        self, diagnostic: Diagnostic, data: st.DataObject
    ) -> Callable[[], None] | None:
        app, id_, status = self.app, self.diagnostic_id, diagnostic.status
        if status is Status.REQUESTED:
            return lambda: app.check_eligibility(BPIFRANCE, id_)
        if status is Status.ELIGIBLE:
            return lambda: app.assign_expert(BPIFRANCE, id_, expert="Lumen")
        if status is Status.EXPERT_ASSIGNED:
            return lambda: app.deliver_inventory(BPIFRANCE, id_)
        if status is Status.INVENTORY_DELIVERED:
            count = data.draw(st.integers(min_value=1, max_value=3))
            use_cases = [UseCase(code, f"Cas d'usage {code}") for code in "ABC"[:count]]
            return lambda: app.identify_use_cases(BPIFRANCE, id_, use_cases=use_cases)
        if status is Status.USE_CASES_IDENTIFIED:
            rating = st.integers(min_value=1, max_value=5)
            scores = [
                UseCaseScore(u.code, data.draw(rating), data.draw(rating))
                for u in diagnostic.use_cases
            ]
            return lambda: app.prioritise_use_cases(BPIFRANCE, id_, scores=scores)
        if status is Status.USE_CASES_PRIORITISED:
            on = data.draw(st.dates(date(2025, 9, 1), date(2027, 12, 31)))
            return lambda: app.deliver_report(BPIFRANCE, id_, on=on)
        if status is Status.REPORT_DELIVERED:
            price_cents = data.draw(st.integers(min_value=1, max_value=10**8))
            return lambda: app.pay_cofinancing(BPIFRANCE, id_, price_cents=price_cents)
        return None

    @invariant()
    def expert_days_never_pass_the_cap(self) -> None:
        diagnostic = self.get()
        assert 0 <= diagnostic.expert_days_logged <= diagnostic.expert_days_cap == 10

    @invariant()
    def the_status_only_moves_along_the_lifecycle(self) -> None:
        self.follow_status()
        event(f"reached {self.status}")

    @invariant()
    def priorities_rank_every_identified_use_case_once(self) -> None:
        diagnostic = self.get()
        if not diagnostic.priorities:
            return
        identified = [u.code for u in diagnostic.use_cases]
        assert sorted(s.code for s in diagnostic.priorities) == sorted(identified)
        assert all(1 <= s.value <= 5 and 1 <= s.feasibility <= 5 for s in diagnostic.priorities)
        ranked = sorted(
            diagnostic.priorities,
            key=lambda s: (-s.value * s.feasibility, -s.value, identified.index(s.code)),
        )
        assert diagnostic.priorities == ranked

    @invariant()
    def the_state_pays_its_share_of_the_price_rounded_half_up(self) -> None:
        diagnostic = self.get()
        if diagnostic.status is not Status.COFINANCING_PAID:
            assert diagnostic.cofinancing_cents is None
            return
        assert diagnostic.price_cents is not None
        assert diagnostic.price_cents > 0
        assert diagnostic.state_share_basis_points == 4000
        assert diagnostic.cofinancing_cents == state_share(diagnostic.price_cents, 4000)

    @invariant()
    def replaying_the_stored_events_reproduces_the_diagnostic(self) -> None:
        in_memory = self.app.saved[self.diagnostic_id]
        replayed = self.replayer.get_diagnostic(BPIFRANCE, self.diagnostic_id)
        assert vars(replayed) == vars(in_memory)


DiagnosticLifecycle.TestCase.settings = settings(max_examples=50, stateful_step_count=30)
TestDiagnosticLifecycle = DiagnosticLifecycle.TestCase
