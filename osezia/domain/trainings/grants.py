"""What the Académie de l'IA's trainings add to the networks' profiles (see
osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

_WORK = frozenset({Command.ENROL_LEARNER, Command.COMPLETE_TRAINING, Command.IMPORT_TRAININGS})

GRANTS = Grants(
    kinds=("training",),
    scopes=dict.fromkeys(sorted(_WORK), "write"),
    defaults={"operator": _WORK},
)
