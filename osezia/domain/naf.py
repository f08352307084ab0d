"""NAF rév. 2 codes (the APE code), normalised to the dotted form ``NN.NNL`` and checked against
INSEE's nomenclature: its 732 sous-classes ship in ``osezia/domain/data/naf_rev2.csv``.

A code is stored with the nomenclature it belongs to (``NAF_REV2``), as SIRENE does
(``nomenclatureActivitePrincipaleUniteLegale``): a revision aligned with NACE Rev. 2.1 is coming,
and the same four digits and letter may then name another activity.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from osezia.domain.errors import InvalidNaf

NAF_REV2 = "NAFRev2"  # SIRENE's name for the nomenclature

_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$", re.ASCII)  # ASCII: "٦٢" is not "62"

# Division (first two digits) -> section letter, NAF rév. 2. Kept beside the data: the section
# of a code recorded before codes were checked against the nomenclature still reads from it.
_SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
)


@dataclass(frozen=True)
class SousClasse:
    """One sous-classe of NAF rév. 2 and the levels above it, as INSEE names them."""

    code: str  # "62.01Z"
    label: str  # "Programmation informatique"
    section: str  # "J"
    division: str  # "62"
    group: str  # "62.0"
    naf_class: str  # "62.01"


@cache
def nomenclature() -> dict[str, SousClasse]:
    """The 732 sous-classes by code, read once from the shipped data file."""
    text = files("osezia.domain.data").joinpath("naf_rev2.csv").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return {
        row["code"]: SousClasse(
            code=row["code"],
            label=row["label"],
            section=row["section"],
            division=row["division"],
            group=row["group"],
            naf_class=row["class"],
        )
        for row in csv.DictReader(lines)
    }


# The 21 sections of NAF rév. 2, as INSEE names them.
SECTION_LABELS: dict[str, str] = {
    "A": "Agriculture, sylviculture et pêche",
    "B": "Industries extractives",
    "C": "Industrie manufacturière",
    "D": "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    "E": "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    "F": "Construction",
    "G": "Commerce ; réparation d'automobiles et de motocycles",
    "H": "Transports et entreposage",
    "I": "Hébergement et restauration",
    "J": "Information et communication",
    "K": "Activités financières et d'assurance",
    "L": "Activités immobilières",
    "M": "Activités spécialisées, scientifiques et techniques",
    "N": "Activités de services administratifs et de soutien",
    "O": "Administration publique",
    "P": "Enseignement",
    "Q": "Santé humaine et action sociale",
    "R": "Arts, spectacles et activités récréatives",
    "S": "Autres activités de services",
    "T": (
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages "
        "en tant que producteurs de biens et services pour usage propre"
    ),
    "U": "Activités extra-territoriales",
}


def section_of_division(division: int) -> str | None:
    for letter, first, last in _SECTIONS:
        if first <= division <= last:
            return letter
    return None


def normalise_naf(value: str) -> str:
    """Return the code as ``NN.NNL`` (``6201z`` and ``62 01Z`` become ``62.01Z``), provided it
    is one of the sous-classes of NAF rév. 2."""
    compact = value.strip().upper().replace(" ", "")
    match = _NAF.match(compact)
    if match is None:
        raise InvalidNaf(f"NAF code {value!r} must be 4 digits and a letter, such as 62.01Z")
    division, group, letter = match.groups()
    code = f"{division}.{group}{letter}"
    if code not in nomenclature():
        raise InvalidNaf(f"{code} is not a sous-classe of NAF rév. 2 (INSEE)")
    return code


def naf_section(naf: str) -> str:
    """The section letter (A–U) of a normalised NAF code."""
    section = section_of_division(int(naf[:2]))
    if section is None:
        raise InvalidNaf(f"NAF code {naf!r} has no section")
    return section


def naf_label(naf: str) -> str | None:
    """INSEE's label of a normalised NAF code; None for a code recorded before codes were
    checked against the nomenclature and that is not in it."""
    sous_classe = nomenclature().get(naf)
    return None if sous_classe is None else sous_classe.label
