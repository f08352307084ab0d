"""What INRIA partnerships add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

GRANTS = Grants(
    kinds=("partnership",),
    scopes={
        Command.PROPOSE_PARTNERSHIP: "write",
        Command.SIGN_PARTNERSHIP: "approve",
        Command.START_PARTNERSHIP: "write",
        Command.COMPLETE_PARTNERSHIP: "write",
        Command.ABANDON_PARTNERSHIP: "write",
    },
    # Only INRIA signs an INRIA partnership, and it sees every one.
    defaults={
        "inria": frozenset(
            {
                Command.PROPOSE_PARTNERSHIP,
                Command.SIGN_PARTNERSHIP,
                Command.START_PARTNERSHIP,
                Command.COMPLETE_PARTNERSHIP,
                Command.ABANDON_PARTNERSHIP,
            }
        )
    },
    sees_all={"inria": frozenset({"partnership"})},
)
