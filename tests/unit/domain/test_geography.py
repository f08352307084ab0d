"""The 18 regions and 101 départements of the INSEE COG, and which region each département is in."""

from __future__ import annotations

import pytest
from hypothesis import given

from osezia.domain.errors import InvalidDepartement, InvalidRegion
from osezia.domain.geography import (
    check_departement_in_region,
    normalise_departement,
    normalise_region,
)
from tests.strategies import (
    DEPARTEMENT_REGIONS,
    REGION_CODES,
    departements_with_region,
    regions,
)

DEPARTEMENTS = [departement for departement, _ in DEPARTEMENT_REGIONS]


def test_the_reference_lists_have_18_regions_and_101_departements() -> None:
    # Guards the reference tables of tests/strategies.py: 96 metropolitan and 5 overseas.
    metropolitan = [d for d in DEPARTEMENTS if len(d) == 2]

    assert len(set(REGION_CODES)) == 18
    assert len(set(DEPARTEMENTS)) == 101
    assert len(metropolitan) == 96
    assert sorted(set(DEPARTEMENTS) - set(metropolitan)) == ["971", "972", "973", "974", "976"]


# --- regions ------------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGION_CODES)
def test_each_of_the_18_region_codes_is_accepted(region: str) -> None:
    assert normalise_region(region) == region


@pytest.mark.parametrize(("typed", "code"), [("1", "01"), ("6", "06"), (" 11 ", "11")])
def test_a_region_code_is_zero_padded_and_trimmed(typed: str, code: str) -> None:
    assert normalise_region(typed) == code


@pytest.mark.parametrize("region", ["", "0", "00", "05", "5", "12", "20", "95", "971", "1A", "٠١"])
def test_a_code_that_is_no_region_is_rejected_naming_it(region: str) -> None:
    with pytest.raises(InvalidRegion) as raised:
        normalise_region(region)

    assert raised.value.code == "INVALID_REGION"
    assert repr(region) in raised.value.message


# --- départements ---------------------------------------------------------------------------


@pytest.mark.parametrize("departement", DEPARTEMENTS)
def test_each_of_the_101_departements_is_accepted(departement: str) -> None:
    assert normalise_departement(departement) == departement


@pytest.mark.parametrize(
    ("typed", "code"), [("1", "01"), ("9", "09"), ("2a", "2A"), ("2b", "2B"), (" 75 ", "75")]
)
def test_a_departement_code_is_zero_padded_upper_cased_and_trimmed(typed: str, code: str) -> None:
    assert normalise_departement(typed) == code


@pytest.mark.parametrize(
    "departement",
    # 20 vanished with Corsica's split; 96 never existed; 975 and 977… are collectivités
    # d'outre-mer, not départements; 00 and 2C are not codes at all.
    ["20", "96", "975", "977", "978", "986", "987", "988", "00", "0", "2C", "970", "", "٧٥"],
)
def test_a_code_that_is_no_departement_is_rejected_naming_it(departement: str) -> None:
    with pytest.raises(InvalidDepartement) as raised:
        normalise_departement(departement)

    assert raised.value.code == "INVALID_DEPARTEMENT"
    assert repr(departement) in raised.value.message


# --- the département in its region -------------------------------------------------------


@pytest.mark.parametrize(("departement", "region"), DEPARTEMENT_REGIONS)
def test_each_departement_lies_in_its_own_region_and_in_no_other(
    departement: str, region: str
) -> None:
    other_regions = [r for r in REGION_CODES if r != region]

    check_departement_in_region(departement, region)  # raises nothing
    for other in other_regions:
        with pytest.raises(InvalidDepartement):
            check_departement_in_region(departement, other)


def test_paris_is_not_in_auvergne_rhone_alpes() -> None:
    with pytest.raises(InvalidDepartement) as raised:
        check_departement_in_region("75", "84")

    assert raised.value.code == "INVALID_DEPARTEMENT"
    assert "75" in raised.value.message
    assert "84" in raised.value.message


@given(departements_with_region(), regions())
def test_a_departement_is_accepted_in_a_region_exactly_when_the_cog_puts_it_there(
    departement_and_region: tuple[str, str], region: str
) -> None:
    departement, its_region = departement_and_region

    if region == its_region:
        check_departement_in_region(departement, region)
    else:
        with pytest.raises(InvalidDepartement):
            check_departement_in_region(departement, region)
