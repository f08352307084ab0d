"""The catégorie juridique: a company's legal form in INSEE's nomenclature, level III.

A code of four digits, kept as a string, whose first digit (1 to 9) is its level I category:
1000, the one code of level I category 1, is the entrepreneur individuel, a natural person
whose company's name is their own (a sole trader, ``SOLE_TRADER`` in osezia.domain.personal).
Every other category is a legal person (5710 SAS, 5499 SARL…) or a grouping of them.
"""

from __future__ import annotations

import re

from osezia.domain.errors import DomainError

ENTREPRENEUR_INDIVIDUEL = "1000"

_CODE = re.compile(r"[1-9][0-9]{3}")


class InvalidLegalCategory(DomainError):
    code = "INVALID_LEGAL_CATEGORY"


def normalise_legal_category(value: str) -> str:
    """The code as INSEE writes it (spaces around it dropped), or INVALID_LEGAL_CATEGORY."""
    code = value.strip()
    if not _CODE.fullmatch(code):
        raise InvalidLegalCategory(
            f"catégorie juridique {value!r} must be INSEE's code of 4 digits, the first from "
            "1 to 9, such as 1000 (entrepreneur individuel) or 5710 (SAS)"
        )
    return code


def optional_legal_category(value: str | None) -> str | None:
    """A catégorie juridique given or not (None: not known)."""
    return None if value is None else normalise_legal_category(value)


def is_sole_trader(legal_category: str | None) -> bool | None:
    """Whether the company is an entrepreneur individuel; None when its category is unknown."""
    return None if legal_category is None else legal_category == ENTREPRENEUR_INDIVIDUEL
