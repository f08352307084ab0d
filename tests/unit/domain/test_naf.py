"""NAF rév. 2 codes: normalised to ``NN.NNL``; only INSEE's 732 sous-classes are accepted; their
label and section letter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.errors import InvalidNaf
from osezia.domain.naf import NAF_REV2, naf_label, naf_section, nomenclature, normalise_naf
from tests.strategies import (
    MISSING_NAF_DIVISIONS,
    NAF_DIVISIONS,
    NAF_SOUS_CLASSES,
    naf_codes,
    naf_spellings,
)


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


def test_the_nomenclature_has_88_divisions() -> None:
    # Guards the reference table of tests/strategies.py itself.
    assert len(NAF_DIVISIONS) == 88


def test_the_shipped_nomenclature_holds_inseees_732_sous_classes_and_their_levels() -> None:
    rows = NAF_SOUS_CLASSES.values()

    assert len(NAF_SOUS_CLASSES) == 732
    assert len({section for _, section, *_ in rows}) == 21
    assert len({division for _, _, division, _, _ in rows}) == 88
    assert len({group for *_, group, _ in rows}) == 272
    assert len({naf_class for *_, naf_class in rows}) == 615


def test_the_code_loads_every_row_of_the_shipped_file() -> None:
    loaded = {
        code: (s.label, s.section, s.division, s.group, s.naf_class)
        for code, s in nomenclature().items()
    }

    assert loaded == NAF_SOUS_CLASSES


@pytest.mark.parametrize("code", sorted(NAF_SOUS_CLASSES))
def test_every_sous_classe_is_accepted_and_sits_in_its_divisions_section(code: str) -> None:
    _, section, division, group, naf_class = NAF_SOUS_CLASSES[code]

    assert normalise_naf(code.replace(".", "")) == code
    assert (division, group, naf_class) == (code[:2], code[:4], code[:5])
    assert section == NAF_DIVISIONS[division] == naf_section(code)


def test_the_divisions_of_the_data_are_those_of_the_reference_table() -> None:
    assert {division for _, _, division, _, _ in NAF_SOUS_CLASSES.values()} == set(NAF_DIVISIONS)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("99.99Z", "99.99Z"),
        ("62.00Z", "62.00Z"),
        ("6200z", "62.00Z"),
        ("62.01A", "62.01A"),
        ("01.11A", "01.11A"),
        ("99.00A", "99.00A"),
    ],
)
def test_a_well_formed_code_that_is_not_a_sous_classe_is_rejected(typed: str, code: str) -> None:
    with pytest.raises(InvalidNaf) as raised:
        normalise_naf(typed)

    assert raised.value.code == "INVALID_NAF"
    assert raised.value.message == f"{code} is not a sous-classe of NAF rév. 2 (INSEE)"


def test_programmation_informatique_is_62_01z_in_section_j() -> None:
    assert naf_label("62.01Z") == "Programmation informatique"
    assert naf_section("62.01Z") == "J"


def test_a_code_outside_the_nomenclature_has_no_label_but_keeps_its_divisions_section() -> None:
    # A code recorded before codes were checked keeps a section for the read models.
    assert naf_label("62.00Z") is None
    assert naf_section("62.00Z") == "J"


def test_the_nomenclature_is_named_as_sirene_names_it() -> None:
    assert NAF_REV2 == "NAFRev2"


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


@given(
    st.sampled_from(sorted(NAF_DIVISIONS)),
    st.integers(min_value=0, max_value=99),
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
)
def test_a_well_formed_code_is_accepted_exactly_when_insee_lists_it(
    division: str, rest: int, letter: str
) -> None:
    code = f"{division}.{rest:02d}{letter}"

    if code in NAF_SOUS_CLASSES:
        assert normalise_naf(code) == code
    else:
        with pytest.raises(InvalidNaf):
            normalise_naf(code)
