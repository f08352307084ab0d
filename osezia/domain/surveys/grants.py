"""What the survey measurements add to the networks' profiles (see osezia.domain.grants)."""

from osezia.domain.commands import Command
from osezia.domain.grants import Grants

GRANTS = Grants(
    kinds=("survey_measurement",),
    public=frozenset({"survey_measurement"}),
    # The country's figures are published facts, but the dashboard reads every network's
    # results against them: a manager's decision, as paying funds is.
    scopes={Command.RECORD_SURVEY_MEASUREMENT: "approve"},
    # Recording survey measurements came with the operator's role, which opening the budget marks.
    successors={Command.RECORD_SURVEY_MEASUREMENT: Command.OPEN_BUDGET},
    defaults={"operator": frozenset({Command.RECORD_SURVEY_MEASUREMENT})},
)
