"""State machines that send commands which must pass, or be refused without appending anything.

Each machine says what a refused command must leave as it was (`snapshot`: the log's position,
or more) and, before calling these, which tenant is told the aggregate is not found or forbidden.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from osezia.domain.errors import DomainError

Keyed = Callable[[str | None], None]  # a command sent with an idempotency key, or without


class Attempts(RuleBasedStateMachine):
    """Sends commands and checks that a refused one appends nothing."""

    def snapshot(self) -> object:
        """What a refused command must leave as it was, compared before and after it."""
        raise NotImplementedError

    def run_expecting(
        self, expected: type[DomainError] | None, command: Callable[[], None]
    ) -> bool:
        """Run the command; it must pass, or raise ``expected`` and append nothing. True if it
        passed, so that the caller updates its model only then."""
        before = self.snapshot()
        if expected is None:
            command()
            return True
        with pytest.raises(expected):
            command()
        assert self.snapshot() == before  # a refused command appends nothing
        return False

    def run_or_refuse(self, command: Callable[[], None]) -> bool:
        """Run a command whose outcome is not predicted; if it is refused, with any domain
        error, it must have changed nothing. True if it passed."""
        before = self.snapshot()
        try:
            command()
        except DomainError:
            assert self.snapshot() == before  # a refused command changes nothing
            return False
        return True


class KeyedAttempts(Attempts):
    """Sends commands with or without an idempotency key, each key new, and resends the last
    keyed command that passed: the key must make the resend append nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.keys_used = 0
        self.last_keyed: Callable[[], None] | None = None

    def run_keyed_expecting(
        self, expected: type[DomainError] | None, command: Keyed, keyed: bool
    ) -> bool:
        """`run_expecting`, with a key never used before if ``keyed``."""
        key = None
        if keyed:
            self.keys_used += 1
            key = f"key-{self.keys_used}"
        if not self.run_expecting(expected, lambda: command(key)):
            return False
        if key is not None:
            self.last_keyed = lambda: command(key)
        return True

    @precondition(lambda self: self.last_keyed is not None)
    @rule()
    def resend_the_last_keyed_command(self) -> None:
        """A client that lost the answer resends with the same key: it must not act twice."""
        assert self.last_keyed is not None
        before = self.snapshot()

        self.last_keyed()

        assert self.snapshot() == before
