"""What ambassadors add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_WORK = frozenset(
    {Command.APPOINT_AMBASSADOR, Command.RECORD_INTERVENTION, Command.WITHDRAW_AMBASSADOR}
)

GRANTS = Grants(
    kinds=("ambassador",),
    public=frozenset({"ambassador"}),  # reference data: every network sees them
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    defaults=dict.fromkeys(("operator", "bpifrance", "cci", "french-tech", "inria"), _WORK),
)
