"""What events add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import SEEDED_NETWORKS, Grants

_WORK = frozenset(
    {
        Command.SCHEDULE_EVENT,
        Command.REGISTER_TO_EVENT,
        Command.BOOK_MEETING,
        Command.RECORD_ATTENDANCE,
        Command.HOLD_EVENT,
        Command.CANCEL_EVENT,
    }
)

GRANTS = Grants(
    kinds=("event",),
    public=frozenset({"event"}),  # the calendar: every network sees it
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    # Holding an event was part of recording its attendance.
    successors={Command.HOLD_EVENT: Command.RECORD_ATTENDANCE},
    defaults=dict.fromkeys(SEEDED_NETWORKS, _WORK),
)
