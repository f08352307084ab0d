"""The dashboard's two questions: where the plan stands against its 2030 targets, and how many
companies adopt AI, by region, segment and adoption stage.

    OSEZIA_API=… OSEZIA_CLIENT_ID=… OSEZIA_CLIENT_SECRET=… python dashboard.py [YYYY-MM-DD]

Both are answered as of the end of a day (Paris time; today when omitted), from what had been
recorded by then: the same day always gives the same figures.
"""

from __future__ import annotations

import sys
from collections import Counter

from osezia_client import Osezia

PROGRESS = """
query Progress($asOf: Date) {
  progress(asOf: $asOf) {
    asOf
    scope
    targets { code label unit measured target targetYear progressPercent }
  }
}
"""

COMPANY_FIGURES = """
query CompanyFigures($asOf: Date) {
  companyFigures(asOf: $asOf) { region segment adoptionStage companies }
}
"""


def main(as_of: str | None) -> None:
    with Osezia.from_environment() as osezia:
        progress = osezia.query(PROGRESS, {"asOf": as_of})["progress"]
        figures = osezia.query(COMPANY_FIGURES, {"asOf": as_of})["companyFigures"]
    print(f"Progress as of {progress['asOf']} ({progress['scope']}):")
    for target in progress["targets"]:
        print(
            f"  {target['code']}: {target['measured']:g} of {target['target']:g} "
            f"by {target['targetYear']} ({target['progressPercent']:.1f} %)"
        )
    by_stage: Counter[str] = Counter()
    for row in figures:
        by_stage[row["adoptionStage"]] += row["companies"]
    print(f"Companies followed, by adoption stage ({len(figures)} rows of figures):")
    for stage, companies in sorted(by_stage.items()):
        print(f"  {stage}: {companies}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
