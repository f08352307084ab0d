"""SIREN and SIRET: normalised, checked, and always kept as strings (leading zeros matter)."""

from __future__ import annotations

import re

from osezia.domain.errors import InvalidSiren, InvalidSiret

LA_POSTE_SIREN = "356000000"

# Spaces, dots, dashes and other separators people type between digit groups.
_SEPARATORS = re.compile(r"[\W_]+")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalise_siren(value: str) -> str:
    """Return the 9-digit SIREN, or raise InvalidSiren naming the value and the rule."""
    siren = _SEPARATORS.sub("", value)
    if len(siren) != 9 or not siren.isascii() or not siren.isdigit():
        raise InvalidSiren(f"SIREN {value!r} must have exactly 9 digits")
    if not luhn_ok(siren):
        raise InvalidSiren(f"SIREN {value!r} fails the Luhn check digit")
    return siren


def normalise_siret(value: str) -> str:
    """Return the 14-digit SIRET, or raise InvalidSiret.

    Luhn over all 14 digits, except La Poste's establishments (SIREN 356000000), whose digits
    may instead add up to a multiple of 5.
    """
    siret = _SEPARATORS.sub("", value)
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
        raise InvalidSiret(f"SIRET {value!r} must have exactly 14 digits")
    if luhn_ok(siret):
        return siret
    if siret.startswith(LA_POSTE_SIREN) and sum(map(int, siret)) % 5 == 0:
        return siret
    raise InvalidSiret(f"SIRET {value!r} fails the Luhn check digit")


def complete_siren(first_eight: str) -> str:
    """The valid SIREN that starts with these 8 digits (the Luhn check digit appended)."""
    for check in "0123456789":
        if luhn_ok(first_eight + check):
            return first_eight + check
    raise AssertionError("one of ten check digits always satisfies Luhn")  # pragma: no cover
