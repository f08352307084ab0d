"""What diagnostics Data IA add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_WORK = frozenset(
    {
        Command.REQUEST_DIAGNOSTIC,
        Command.CHECK_ELIGIBILITY,
        Command.ASSIGN_EXPERT,
        Command.LOG_EXPERT_DAYS,
        Command.DELIVER_INVENTORY,
        Command.IDENTIFY_USE_CASES,
        Command.PRIORITISE_USE_CASES,
        Command.DELIVER_REPORT,
        Command.CANCEL_DIAGNOSTIC,
        Command.CORRECT_DIAGNOSTIC_EXPERT,
    }
)

GRANTS = Grants(
    kinds=("diagnostic",),
    scopes={**dict.fromkeys(sorted(_WORK), "write"), Command.PAY_COFINANCING: "approve"},
    # Bpifrance pilots diagnostics: it alone pays their co-financing.
    pilots={"diagnostic": "bpifrance"},
    # Correcting an expert (RGPD art. 16) comes to whoever assigns experts.
    successors={Command.CORRECT_DIAGNOSTIC_EXPERT: Command.ASSIGN_EXPERT},
    defaults={
        "bpifrance": _WORK | {Command.PAY_COFINANCING},
        "cci": frozenset({Command.REQUEST_DIAGNOSTIC, Command.CANCEL_DIAGNOSTIC}),
    },
    sees_all={"bpifrance": frozenset({"diagnostic"})},
)
