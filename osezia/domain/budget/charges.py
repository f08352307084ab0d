"""Decisions that move the plan's money charge the one envelope in the same save as the
decision: a co-financing paid, a call's phase awarded, a guarantee granted and the loan it
covers disbursed. A decision the envelope cannot take (a measure beyond its ceiling, without
an overrun authorised first) is refused, and nothing of it is recorded; before the envelope is
opened, decisions charge nothing.

Every such save changes the envelope, so they contend for it. In one process they take turns;
one that lost the envelope to another process is run again on the envelope as it now stands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from osezia.domain.application import PlatformApplication
from osezia.domain.budget.model import Envelope
from osezia.domain.errors import Conflict

R = TypeVar("R")
ENVELOPE_ATTEMPTS = 5
_TURN = threading.Lock()


def the_envelope(app: PlatformApplication) -> Envelope | None:
    """The plan's envelope, once opened."""
    return app.find(Envelope.create_id(), Envelope)


def charging(command: Callable[[], R]) -> R:
    """Run ``command``, which saves a change of the envelope, taking turns for it."""
    with _TURN:
        for attempt in range(1, ENVELOPE_ATTEMPTS + 1):
            try:
                return command()
            except Conflict:
                if attempt == ENVELOPE_ATTEMPTS:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover
