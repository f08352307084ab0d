"""What the plan's budget adds to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_MOVEMENTS = frozenset({Command.COMMIT_FUNDS, Command.PAY_FUNDS})

GRANTS = Grants(
    kinds=("budget",),
    public=frozenset({"budget"}),
    scopes={
        Command.OPEN_BUDGET: "admin",
        Command.COMMIT_FUNDS: "approve",
        Command.PAY_FUNDS: "approve",
        Command.AUTHORISE_OVERRUN: "admin",
    },
    defaults={
        "operator": _MOVEMENTS | {Command.OPEN_BUDGET, Command.AUTHORISE_OVERRUN},
        "bpifrance": _MOVEMENTS,
    },
)
