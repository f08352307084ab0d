"""What the acceleration programme adds to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_WORK = frozenset(
    {
        Command.ADMIT_TO_COHORT,
        Command.RECORD_MILESTONE,
        Command.GRADUATE_FROM_COHORT,
        Command.EXIT_COHORT,
    }
)

GRANTS = Grants(
    kinds=("cohort",),
    scopes={Command.OPEN_COHORT: "approve", **dict.fromkeys(sorted(_WORK), "write")},
    # Bpifrance runs the programme: it alone opens a cohort, and it sees every one.
    pilots={"cohort": "bpifrance"},
    defaults={"bpifrance": _WORK | {Command.OPEN_COHORT}},
    sees_all={"bpifrance": frozenset({"cohort"})},
)
