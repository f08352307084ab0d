"""What a log written before a move is compared on: the read models' rows, as plain JSON."""

from __future__ import annotations

import json
from typing import Any

# The read models of the features whose modules moved (issue 11), for the platform and two
# networks: the event, training and solution tables.
TABLES = ("events", "trainings", "providers", "solutions", "adoptions")
VIEWERS = ("platform", "cci", "bpifrance")


def comparable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as JSON values (ids, dates and amounts as their text), in id order."""
    loaded: list[dict[str, Any]] = json.loads(json.dumps(rows, default=str, sort_keys=True))
    return loaded
