"""Hypothesis strategies for French identifiers and codes, reusable by every layer of tests.

The reference data here is copied from the domain reference (domain.md §2), not imported from
the code under test, and the Luhn digit is computed here on its own: a strategy that borrowed
the code's tables or checksum would make its tests agree with the code whatever the code says.
"""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import strategies as st

LA_POSTE_SIREN = "356000000"

# The 18 regions (INSEE COG), domain.md §2.5.
REGION_CODES: tuple[str, ...] = (
    "01",
    "02",
    "03",
    "04",
    "06",
    "11",
    "24",
    "27",
    "28",
    "32",
    "44",
    "52",
    "53",
    "75",
    "76",
    "84",
    "93",
    "94",
)

# Département -> region, domain.md §2.6 (101 départements).
_DEPARTEMENTS_BY_REGION: dict[str, str] = {
    "11": "75 77 78 91 92 93 94 95",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76",
    "32": "02 59 60 62 80",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85",
    "53": "22 29 35 56",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84",
    "94": "2A 2B",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}
DEPARTEMENT_REGIONS: tuple[tuple[str, str], ...] = tuple(
    (departement, region)
    for region, departements in _DEPARTEMENTS_BY_REGION.items()
    for departement in departements.split()
)

# The 88 divisions of NAF rév. 2 and their section letter (the INSEE nomenclature).
_DIVISIONS_BY_SECTION: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3),
    "B": (5, 6, 7, 8, 9),
    "C": tuple(range(10, 34)),
    "D": (35,),
    "E": (36, 37, 38, 39),
    "F": (41, 42, 43),
    "G": (45, 46, 47),
    "H": (49, 50, 51, 52, 53),
    "I": (55, 56),
    "J": (58, 59, 60, 61, 62, 63),
    "K": (64, 65, 66),
    "L": (68,),
    "M": (69, 70, 71, 72, 73, 74, 75),
    "N": (77, 78, 79, 80, 81, 82),
    "O": (84,),
    "P": (85,),
    "Q": (86, 87, 88),
    "R": (90, 91, 92, 93),
    "S": (94, 95, 96),
    "T": (97, 98),
    "U": (99,),
}
NAF_DIVISIONS: dict[str, str] = {
    f"{division:02d}": section
    for section, divisions in _DIVISIONS_BY_SECTION.items()
    for division in divisions
}
MISSING_NAF_DIVISIONS: tuple[str, ...] = tuple(
    f"{d:02d}" for d in range(100) if f"{d:02d}" not in NAF_DIVISIONS
)

# INSEE's 732 sous-classes, read here from the file the package ships, without the code's
# loader: code -> (label, section, division, group, class).
NAF_DATA = Path(__file__).resolve().parent.parent / "osezia" / "domain" / "data" / "naf_rev2.csv"
NAF_SOUS_CLASSES: dict[str, tuple[str, ...]] = {
    row[0]: tuple(row[1:])
    for row in csv.reader(
        [line for line in NAF_DATA.read_text("utf-8").splitlines() if line[:1] != "#"][1:]
    )
}


def luhn_sum(digits: str) -> int:
    """Luhn's weighted sum: every second digit from the right doubled, digits of 10–18 added."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char) * (2 if position % 2 == 1 else 1)
        total += n // 10 + n % 10
    return total


def is_luhn_valid(digits: str) -> bool:
    return luhn_sum(digits) % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that, appended to ``payload``, makes the whole number pass Luhn."""
    # Appending a digit shifts every payload digit one place left, so weigh them as if the
    # check digit (weight 1, contributing 0 here) were already there.
    return str((10 - luhn_sum(payload + "0") % 10) % 10)


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=count, max_size=count)


@st.composite
def valid_sirens(draw: st.DrawFn) -> str:
    """A 9-digit SIREN with its Luhn check digit, as a string (leading zeros kept)."""
    payload = draw(_digits(8))
    return payload + luhn_check_digit(payload)


@st.composite
def sirens_with_one_digit_changed(draw: st.DrawFn) -> str:
    """A valid SIREN with exactly one digit replaced by another: Luhn catches every such error."""
    siren = draw(valid_sirens())
    position = draw(st.integers(min_value=0, max_value=8))
    digit = draw(st.sampled_from([d for d in "0123456789" if d != siren[position]]))
    return siren[:position] + digit + siren[position + 1 :]


@st.composite
def digit_strings_of_wrong_length(draw: st.DrawFn, right_length: int) -> str:
    length = draw(st.integers(min_value=0, max_value=20).filter(lambda n: n != right_length))
    return draw(_digits(length))


@st.composite
def numbers_with_a_letter(draw: st.DrawFn, valid: st.SearchStrategy[str]) -> str:
    """A valid number with one digit replaced by a letter (ASCII or not) or a non-ASCII digit."""
    number = draw(valid)
    position = draw(st.integers(min_value=0, max_value=len(number) - 1))
    intruder = draw(st.sampled_from(["A", "O", "l", "x", "Z", "é", "٣", "６", "²"]))
    return number[:position] + intruder + number[position + 1 :]


def invalid_sirens() -> st.SearchStrategy[str]:
    """Strings that are not SIRENs: a wrong digit, a wrong length, or a non-digit inside."""
    return st.one_of(
        sirens_with_one_digit_changed(),
        digit_strings_of_wrong_length(9),
        numbers_with_a_letter(valid_sirens()),
    )


@st.composite
def valid_sirets(draw: st.DrawFn, siren: str | None = None) -> str:
    """A 14-digit SIRET passing Luhn, for ``siren`` or for any valid SIREN."""
    siren_ = siren if siren is not None else draw(valid_sirens())
    payload = siren_ + draw(_digits(4))
    return payload + luhn_check_digit(payload)


def _failing_luhn_with_digit_sum_multiple_of_5(payload: str, last: int) -> str:
    """Of the two last digits that make the digit sum a multiple of 5, one that fails Luhn."""
    # Exactly one last digit passes Luhn, so at least one of ``last`` and ``last + 5`` fails it.
    candidates = [str(last), str(last + 5)]
    return next(payload + d for d in candidates if not is_luhn_valid(payload + d))


@st.composite
def la_poste_sirets(draw: st.DrawFn) -> str:
    """A SIRET of La Poste that fails Luhn but whose 14 digits add up to a multiple of 5."""
    payload = LA_POSTE_SIREN + draw(_digits(4))
    last = -sum(map(int, payload)) % 5
    return _failing_luhn_with_digit_sum_multiple_of_5(payload, last)


@st.composite
def sirets_with_la_poste_sum_elsewhere(draw: st.DrawFn) -> str:
    """A SIRET outside La Poste that fails Luhn though its digit sum is a multiple of 5."""
    siren = draw(valid_sirens().filter(lambda s: s != LA_POSTE_SIREN))
    payload = siren + draw(_digits(4))
    last = -sum(map(int, payload)) % 5
    return _failing_luhn_with_digit_sum_multiple_of_5(payload, last)


@st.composite
def sirets_with_one_digit_changed(draw: st.DrawFn) -> str:
    """A Luhn-valid SIRET outside La Poste with exactly one digit replaced by another."""
    siret = draw(valid_sirets(draw(valid_sirens().filter(lambda s: s != LA_POSTE_SIREN))))
    position = draw(st.integers(min_value=0, max_value=13))
    digit = draw(st.sampled_from([d for d in "0123456789" if d != siret[position]]))
    return siret[:position] + digit + siret[position + 1 :]


def invalid_sirets() -> st.SearchStrategy[str]:
    return st.one_of(
        sirets_with_one_digit_changed(),
        sirets_with_la_poste_sum_elsewhere(),
        digit_strings_of_wrong_length(14),
        numbers_with_a_letter(valid_sirets()),
    )


def with_separators(number: str) -> st.SearchStrategy[str]:
    """``number`` with spaces, dots or dashes typed between some of its digits."""
    return st.lists(
        st.sampled_from(["", "", " ", ".", "-"]), min_size=len(number), max_size=len(number)
    ).map(lambda seps: "".join(sep + digit for sep, digit in zip(seps, number, strict=True)))


def regions() -> st.SearchStrategy[str]:
    return st.sampled_from(REGION_CODES)


def departements_with_region() -> st.SearchStrategy[tuple[str, str]]:
    """A (département, region) pair as the INSEE COG links them."""
    return st.sampled_from(DEPARTEMENT_REGIONS)


@st.composite
def naf_codes(draw: st.DrawFn) -> str:
    """A sous-classe of NAF rév. 2 in its normalised, dotted form ``NN.NNL``."""
    return draw(st.sampled_from(sorted(NAF_SOUS_CLASSES)))


@st.composite
def naf_spellings(draw: st.DrawFn) -> tuple[str, str]:
    """(a way people type a NAF code, its normalised form): dotted or not, any case, spaced."""
    naf = draw(naf_codes())
    digits, letter = naf.replace(".", "")[:4], naf[-1]
    middle = draw(st.sampled_from(["", ".", " "]))
    letter_ = draw(st.sampled_from([letter, letter.lower()]))
    padding = draw(st.sampled_from(["", " "]))
    return f"{padding}{digits[:2]}{middle}{digits[2:]}{letter_}{padding}", naf
