"""What ambassadors add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import SEEDED_NETWORKS, Grants

_WORK = frozenset(
    {
        Command.APPOINT_AMBASSADOR,
        Command.RECORD_INTERVENTION,
        Command.WITHDRAW_AMBASSADOR,
        Command.CORRECT_AMBASSADOR_NAME,
    }
)

GRANTS = Grants(
    kinds=("ambassador",),
    public=frozenset({"ambassador"}),  # reference data: every network sees them
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    # Correcting a name (RGPD art. 16) comes to whoever appoints ambassadors.
    successors={Command.CORRECT_AMBASSADOR_NAME: Command.APPOINT_AMBASSADOR},
    defaults=dict.fromkeys(SEEDED_NETWORKS, _WORK),
)
