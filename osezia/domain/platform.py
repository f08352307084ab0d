"""The composition root of the write side: every application, sharing one store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from eventsourcing.utils import EnvType

from osezia.domain.acceleration.application import Acceleration
from osezia.domain.ambassadors.application import Ambassadors
from osezia.domain.application import Networks
from osezia.domain.budget.application import Budget
from osezia.domain.calls.application import Calls
from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.diagnostics.rules import DiagnosticRules
from osezia.domain.events.application import Events
from osezia.domain.loans.application import Loans
from osezia.domain.partnerships.application import Partnerships
from osezia.domain.privacy.application import Privacy
from osezia.domain.referrals.application import Referrals
from osezia.domain.solutions.application import Solutions
from osezia.domain.surveys.application import Surveys
from osezia.domain.trainings.application import Trainings


class Platform:
    """The platform's write API: one application per area, one connection pool, one log.

    Every application shares the companies application's store, so they read each other's
    aggregates (a diagnostic checks its company) and their commands are group-committed
    together.
    """

    def __init__(
        self,
        env: EnvType,
        *,
        networks: Networks,
        diagnostic_rules: DiagnosticRules | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.companies = Companies(env=env, networks=networks, today=today)
        share = self.companies
        self.diagnostics = Diagnostics(env=env, share_with=share, rules=diagnostic_rules)
        self.ambassadors = Ambassadors(env=env, share_with=share)
        self.events = Events(env=env, share_with=share)
        self.partnerships = Partnerships(env=env, share_with=share)
        self.referrals = Referrals(env=env, share_with=share)
        self.trainings = Trainings(env=env, share_with=share)
        self.loans = Loans(env=env, share_with=share)
        self.acceleration = Acceleration(env=env, share_with=share)
        self.calls = Calls(env=env, share_with=share)
        self.solutions = Solutions(env=env, share_with=share)
        self.budget = Budget(env=env, share_with=share)
        self.surveys = Surveys(env=env, share_with=share)
        self.privacy = Privacy(env=env, share_with=share)

    def close(self) -> None:
        # One store: closing the owner closes the pool the others borrow.
        self.companies.close()
