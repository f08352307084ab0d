"""What state-guaranteed loans add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_DECISIONS = frozenset({Command.GRANT_GUARANTEE, Command.REFUSE_GUARANTEE, Command.DISBURSE_LOAN})

GRANTS = Grants(
    kinds=("loan",),
    scopes={Command.APPLY_FOR_LOAN: "write", **dict.fromkeys(sorted(_DECISIONS), "approve")},
    # Bpifrance pilots loans: it alone grants their guarantee, and it sees every one.
    pilots={"loan": "bpifrance"},
    defaults={
        "bpifrance": _DECISIONS | {Command.APPLY_FOR_LOAN},
        "cci": frozenset({Command.APPLY_FOR_LOAN}),
        "french-tech": frozenset({Command.APPLY_FOR_LOAN}),
    },
    sees_all={"bpifrance": frozenset({"loan"})},
)
