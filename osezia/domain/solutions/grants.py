"""What the solutions catalogue adds to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_WORK = frozenset(
    {
        Command.LIST_PROVIDER,
        Command.LIST_SOLUTION,
        Command.WITHDRAW_SOLUTION,
        Command.RECORD_ADOPTION,
    }
)

GRANTS = Grants(
    kinds=("provider", "solution", "adoption"),
    public=frozenset({"provider", "solution"}),  # the catalogue is national
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    defaults=dict.fromkeys(("bpifrance", "cci", "french-tech"), _WORK),
)
