"""SIREN and SIRET: 9 and 14 digits, Luhn, La Poste's exception, separators, leading zeros."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.errors import InvalidSiren, InvalidSiret
from osezia.domain.identifiers import normalise_siren, normalise_siret
from tests.strategies import (
    LA_POSTE_SIREN,
    digit_strings_of_wrong_length,
    invalid_sirens,
    invalid_sirets,
    is_luhn_valid,
    la_poste_sirets,
    numbers_with_a_letter,
    sirens_with_one_digit_changed,
    sirets_with_la_poste_sum_elsewhere,
    sirets_with_one_digit_changed,
    valid_sirens,
    valid_sirets,
    with_separators,
)

# --- SIREN: the test vectors of domain.md §2.2 ---------------------------------------------


@pytest.mark.parametrize("siren", ["356000000", "632012100", "542107651"])
def test_a_siren_with_a_right_luhn_digit_is_accepted_as_it_is(siren: str) -> None:
    normalised = normalise_siren(siren)

    assert normalised == siren


def test_a_siren_failing_luhn_is_rejected_with_the_invalid_siren_code() -> None:
    with pytest.raises(InvalidSiren) as raised:
        normalise_siren("123456789")

    assert raised.value.code == "INVALID_SIREN"


@pytest.mark.parametrize("siren", ["123456789", "63201210", "6320121000", "63201210A"])
def test_the_siren_error_message_names_the_value_given(siren: str) -> None:
    with pytest.raises(InvalidSiren) as raised:
        normalise_siren(siren)

    assert siren in raised.value.message


@pytest.mark.parametrize("typed", ["632 012 100", "632.012.100", "632-012-100", " 632012100 "])
def test_spaces_dots_and_dashes_between_siren_digits_are_stripped(typed: str) -> None:
    normalised = normalise_siren(typed)

    assert normalised == "632012100"


def test_a_siren_starting_with_zeros_keeps_them_as_a_string() -> None:
    # 00123456 + 6: the doubled digits from the right are 6, 4, 2, 0 -> 3 + 8 + 4 + 0, and the
    # others 5 + 3 + 1 + 0; 24 + 6 = 30, a multiple of 10.
    normalised = normalise_siren("001 234 566")

    assert normalised == "001234566"


@pytest.mark.parametrize("siren", ["٦٣٢٠١٢١٠٠", "63201210٠", "６３２０１２１００", "63201210²"])
def test_a_siren_written_with_non_ascii_digits_is_rejected(siren: str) -> None:
    with pytest.raises(InvalidSiren):
        normalise_siren(siren)


@pytest.mark.parametrize("siren", ["", "         ", "---", "6320121000", "63201210"])
def test_a_siren_without_exactly_nine_digits_is_rejected(siren: str) -> None:
    with pytest.raises(InvalidSiren):
        normalise_siren(siren)


# --- SIREN: properties -----------------------------------------------------------------


@given(valid_sirens())
def test_every_siren_with_its_luhn_digit_is_accepted(siren: str) -> None:
    assert normalise_siren(siren) == siren


@given(valid_sirens().flatmap(lambda s: st.tuples(st.just(s), with_separators(s))))
def test_every_siren_typed_with_separators_normalises_to_its_digits(
    siren_and_typed: tuple[str, str],
) -> None:
    siren, typed = siren_and_typed

    assert normalise_siren(typed) == siren


@given(sirens_with_one_digit_changed())
def test_changing_any_one_digit_of_a_valid_siren_makes_it_invalid(siren: str) -> None:
    with pytest.raises(InvalidSiren):
        normalise_siren(siren)


@given(digit_strings_of_wrong_length(9))
def test_a_string_of_digits_of_any_other_length_than_nine_is_not_a_siren(digits: str) -> None:
    with pytest.raises(InvalidSiren):
        normalise_siren(digits)


@given(numbers_with_a_letter(valid_sirens()))
def test_a_siren_with_a_letter_or_a_foreign_digit_in_it_is_rejected(siren: str) -> None:
    with pytest.raises(InvalidSiren):
        normalise_siren(siren)


@given(invalid_sirens())
def test_no_invalid_siren_gets_through(siren: str) -> None:
    with pytest.raises(InvalidSiren) as raised:
        normalise_siren(siren)

    assert raised.value.code == "INVALID_SIREN"


# --- SIRET: the test vectors of domain.md §2.2 ---------------------------------------------


def test_a_la_poste_siret_passing_luhn_is_accepted() -> None:
    normalised = normalise_siret("35600000000048")

    assert normalised == "35600000000048"


def test_a_la_poste_siret_failing_luhn_is_accepted_when_its_digits_add_up_to_a_multiple_of_5() -> (
    None
):
    siret = "35600000049837"  # 3+5+6+4+9+8+3+7 = 45

    normalised = normalise_siret(siret)

    assert normalised == siret


def test_a_siret_failing_luhn_is_rejected_with_the_invalid_siret_code() -> None:
    with pytest.raises(InvalidSiret) as raised:
        normalise_siret("12345678901234")

    assert raised.value.code == "INVALID_SIRET"
    assert "12345678901234" in raised.value.message


def test_la_poste_rule_does_not_rescue_a_siret_of_another_company() -> None:
    # SIREN 632012100 + NIC 00005: the digits add up to 20, but Luhn's sum is 21.
    siret = "63201210000005"

    with pytest.raises(InvalidSiret) as raised:
        normalise_siret(siret)

    assert raised.value.code == "INVALID_SIRET"


@pytest.mark.parametrize(
    "typed", ["356 000 000 00048", "356.000.000.00048", "356-000-000-00048", "356000000 00048"]
)
def test_spaces_dots_and_dashes_between_siret_digits_are_stripped(typed: str) -> None:
    normalised = normalise_siret(typed)

    assert normalised == "35600000000048"


@pytest.mark.parametrize("siret", ["3560000000004", "356000000000480", "3560000000004A", ""])
def test_a_siret_without_exactly_fourteen_digits_is_rejected_naming_the_value(siret: str) -> None:
    with pytest.raises(InvalidSiret) as raised:
        normalise_siret(siret)

    assert repr(siret) in raised.value.message


@pytest.mark.parametrize("siret", ["٣٥٦٠٠٠٠٠٠٠٠٠٤٨", "3560000000004٨", "３５６００００００００048"])
def test_a_siret_written_with_non_ascii_digits_is_rejected(siret: str) -> None:
    with pytest.raises(InvalidSiret):
        normalise_siret(siret)


# --- SIRET: properties -----------------------------------------------------------------


@given(valid_sirets())
def test_every_siret_passing_luhn_is_accepted(siret: str) -> None:
    assert normalise_siret(siret) == siret


@given(valid_sirets().flatmap(lambda s: st.tuples(st.just(s), with_separators(s))))
def test_every_siret_typed_with_separators_normalises_to_its_digits(
    siret_and_typed: tuple[str, str],
) -> None:
    siret, typed = siret_and_typed

    assert normalise_siret(typed) == siret


@given(la_poste_sirets())
def test_every_la_poste_siret_whose_digits_add_up_to_a_multiple_of_5_is_accepted(
    siret: str,
) -> None:
    assert not is_luhn_valid(siret)  # the rule under test, not Luhn, must let it through

    assert normalise_siret(siret) == siret


@given(
    st.text(alphabet="0123456789", min_size=5, max_size=5)
    .map(lambda nic: LA_POSTE_SIREN + nic)
    .filter(lambda siret: not is_luhn_valid(siret) and sum(map(int, siret)) % 5 != 0)
)
def test_a_la_poste_siret_failing_both_rules_is_rejected(siret: str) -> None:
    with pytest.raises(InvalidSiret):
        normalise_siret(siret)


@given(sirets_with_la_poste_sum_elsewhere())
def test_no_other_company_benefits_from_la_poste_rule(siret: str) -> None:
    with pytest.raises(InvalidSiret):
        normalise_siret(siret)


@given(sirets_with_one_digit_changed())
def test_changing_any_one_digit_of_a_valid_siret_makes_it_invalid(siret: str) -> None:
    with pytest.raises(InvalidSiret):
        normalise_siret(siret)


@given(invalid_sirets())
def test_no_invalid_siret_gets_through(siret: str) -> None:
    with pytest.raises(InvalidSiret) as raised:
        normalise_siret(siret)

    assert raised.value.code == "INVALID_SIRET"
