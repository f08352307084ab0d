"""The typed errors of the domain.

Each error carries a stable ``code`` (what programs match on) and a message that names the value
and the rule it broke (what an analyst reads). A command that raises one appends nothing.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """An expected failure of a command, reported to the caller as it is."""

    code: ClassVar[str] = "INVALID_VALUE"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidValue(DomainError):
    code = "INVALID_VALUE"


class InvalidSiren(DomainError):
    code = "INVALID_SIREN"


class InvalidSiret(DomainError):
    code = "INVALID_SIRET"


class InvalidNaf(DomainError):
    code = "INVALID_NAF"


class InvalidRegion(DomainError):
    code = "INVALID_REGION"


class InvalidDepartement(DomainError):
    code = "INVALID_DEPARTEMENT"


class InvalidAmount(DomainError):
    code = "INVALID_AMOUNT"


class InvalidDate(DomainError):
    code = "INVALID_DATE"


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


class ExpertDaysExceeded(DomainError):
    code = "EXPERT_DAYS_EXCEEDED"


class NotEligible(DomainError):
    code = "NOT_ELIGIBLE"


class CapacityReached(DomainError):
    code = "CAPACITY_REACHED"


class AlreadyRegistered(DomainError):
    code = "ALREADY_REGISTERED"


class NotRegistered(DomainError):
    code = "NOT_REGISTERED"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Conflict(DomainError):
    code = "CONFLICT"


class IdempotencyKeyReused(DomainError):
    code = "IDEMPOTENCY_KEY_REUSED"


class AmountOutOfRange(DomainError):
    """An amount or a duration outside what the measure allows (a loan cap, a phase's range)."""

    code = "AMOUNT_OUT_OF_RANGE"


class GateNotPassed(DomainError):
    """A phase of a gated call awarded before the previous phase's gate was passed."""

    code = "GATE_NOT_PASSED"


class NotContractor(DomainError):
    """A network acting on a phase another network contracts (INRIA phase 1, Bpifrance 2–3)."""

    code = "NOT_CONTRACTOR"


class BudgetExceeded(DomainError):
    """A commitment or payment above what the envelope allows, without an overrun decision."""

    code = "BUDGET_EXCEEDED"


class AlreadyExists(DomainError):
    code = "ALREADY_EXISTS"


class AlreadyApplied(DomainError):
    """A company's second application to one call, whichever network sends it."""

    code = "ALREADY_APPLIED"
