"""What the calls for projects add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_DECISIONS = frozenset(
    {
        Command.OPEN_CALL,
        Command.SELECT_APPLICATION,
        Command.REJECT_APPLICATION,
        Command.EVALUATE_GATE,
        Command.AWARD_PHASE,
    }
)
_SUBMIT = frozenset({Command.SUBMIT_APPLICATION})

GRANTS = Grants(
    kinds=("call", "call_application"),
    public=frozenset({"call"}),
    scopes={Command.SUBMIT_APPLICATION: "write", **dict.fromkeys(sorted(_DECISIONS), "approve")},
    # Bpifrance and INRIA both decide on calls (each contracts its own phases of Pionniers de
    # l'IA) and see every application; the State opens calls.
    defaults={
        "operator": frozenset({Command.OPEN_CALL}),
        "bpifrance": _DECISIONS | _SUBMIT,
        "cci": _SUBMIT,
        "french-tech": _SUBMIT,
        "inria": _DECISIONS | _SUBMIT,
    },
    sees_all={
        "bpifrance": frozenset({"call_application"}),
        "inria": frozenset({"call_application"}),
    },
)
