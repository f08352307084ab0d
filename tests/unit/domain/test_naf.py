"""NAF rév. 2 codes: normalised to ``NN.NNL``; the division must exist; its section letter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.errors import InvalidNaf
from osezia.domain.naf import naf_section, normalise_naf
from tests.strategies import MISSING_NAF_DIVISIONS, NAF_DIVISIONS, naf_codes, naf_spellings


@pytest.mark.parametrize("typed", ["6201Z", "62.01Z", "62 01z", "62.01z", " 6201Z ", "6201z"])
def test_the_usual_spellings_of_a_naf_code_normalise_to_the_dotted_form(typed: str) -> None:
    normalised = normalise_naf(typed)

    assert normalised == "62.01Z"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "62",
        "620Z",
        "62011Z",
        "62.01",
        "6201",
        "62.0AZ",
        "62..01Z",
        "62:01Z",
        "Z6201",
        "62.01ZZ",
    ],
)
def test_a_code_not_shaped_as_four_digits_and_a_letter_is_rejected(typed: str) -> None:
    with pytest.raises(InvalidNaf) as raised:
        normalise_naf(typed)

    assert raised.value.code == "INVALID_NAF"
    assert repr(typed) in raised.value.message


def test_a_code_in_a_division_that_nafs_nomenclature_lacks_is_rejected() -> None:
    with pytest.raises(InvalidNaf) as raised:
        normalise_naf("04.11Z")  # NAF rév. 2 goes from division 03 to division 05

    assert raised.value.code == "INVALID_NAF"
    assert "04.11Z" in raised.value.message


@pytest.mark.parametrize("division", MISSING_NAF_DIVISIONS)
def test_every_missing_division_is_rejected(division: str) -> None:
    with pytest.raises(InvalidNaf):
        normalise_naf(f"{division}.11Z")


@pytest.mark.parametrize("division", sorted(NAF_DIVISIONS))
def test_every_one_of_the_88_divisions_is_accepted(division: str) -> None:
    normalised = normalise_naf(f"{division}11Z")

    assert normalised == f"{division}.11Z"


def test_the_nomenclature_has_88_divisions() -> None:
    # Guards the reference table of tests/strategies.py itself.
    assert len(NAF_DIVISIONS) == 88


@pytest.mark.parametrize("typed", ["٦٢.٠١Z", "６２０１Z", "62.0١Z"])
def test_a_code_written_with_non_ascii_digits_is_rejected(typed: str) -> None:
    with pytest.raises(InvalidNaf):
        normalise_naf(typed)


@pytest.mark.parametrize(
    ("naf", "section"),
    [
        ("01.11Z", "A"),
        ("03.22Z", "A"),
        ("05.10Z", "B"),
        ("09.90Z", "B"),
        ("10.11Z", "C"),
        ("33.20A", "C"),
        ("35.11Z", "D"),
        ("36.00Z", "E"),
        ("62.01Z", "J"),
        ("99.00Z", "U"),
    ],
)
def test_the_section_is_the_letter_of_the_codes_division(naf: str, section: str) -> None:
    assert naf_section(naf) == section


@given(naf_spellings())
def test_every_spelling_of_a_code_normalises_to_the_same_dotted_form(
    typed_and_expected: tuple[str, str],
) -> None:
    typed, expected = typed_and_expected

    assert normalise_naf(typed) == expected


@given(naf_codes())
def test_normalising_a_normalised_code_changes_nothing(naf: str) -> None:
    assert normalise_naf(normalise_naf(naf)) == normalise_naf(naf)


@given(naf_codes())
def test_the_section_of_any_code_is_its_divisions_section(naf: str) -> None:
    assert naf_section(naf) == NAF_DIVISIONS[naf[:2]]


@given(st.sampled_from(MISSING_NAF_DIVISIONS), st.sampled_from(["", "."]))
def test_no_code_in_a_missing_division_gets_through(division: str, dot: str) -> None:
    with pytest.raises(InvalidNaf):
        normalise_naf(f"{division}{dot}00Z")
