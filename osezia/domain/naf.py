"""NAF rév. 2 codes (the APE code), normalised to the dotted form ``NN.NNL``."""

from __future__ import annotations

import re

from osezia.domain.errors import InvalidNaf

_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$", re.ASCII)  # ASCII: "٦٢" is not "62"

# Division (first two digits) -> section letter, NAF rév. 2.
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


def section_of_division(division: int) -> str | None:
    for letter, first, last in _SECTIONS:
        if first <= division <= last:
            return letter
    return None


def normalise_naf(value: str) -> str:
    """Return the code as ``NN.NNL`` (``6201z`` and ``62 01Z`` become ``62.01Z``)."""
    compact = value.strip().upper().replace(" ", "")
    match = _NAF.match(compact)
    if match is None:
        raise InvalidNaf(f"NAF code {value!r} must be 4 digits and a letter, such as 62.01Z")
    division, group, letter = match.groups()
    if section_of_division(int(division)) is None:
        raise InvalidNaf(f"NAF code {value!r} names division {division}, which NAF rév. 2 lacks")
    return f"{division}.{group}{letter}"


def naf_section(naf: str) -> str:
    """The section letter (A–U) of a normalised NAF code."""
    section = section_of_division(int(naf[:2]))
    if section is None:
        raise InvalidNaf(f"NAF code {naf!r} has no section")
    return section
