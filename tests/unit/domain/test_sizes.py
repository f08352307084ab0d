"""The size category of décret 2008-1354 (art. 3), its basis, and the plan's target segments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.errors import InvalidValue
from osezia.domain.sizes import (
    Segment,
    SizeBasis,
    SizeCategory,
    SizeFacts,
    segment_of,
    size_category,
)

MICRO, PME, ETI, GE = SizeCategory.MICRO, SizeCategory.PME, SizeCategory.ETI, SizeCategory.GE

CENTS_PER_MEUR = 100 * 1_000_000


def meur(amount: int) -> int:
    """An amount of millions of euros, in cents."""
    return amount * CENTS_PER_MEUR


def category_of(
    uta: str, turnover: int | None = None, balance_sheet: int | None = None
) -> SizeCategory:
    category, _ = size_category(
        SizeFacts(
            headcount_uta=Decimal(uta), turnover_cents=turnover, balance_sheet_cents=balance_sheet
        )
    )
    return category


# --- headcount alone (no financial data: the financial condition is taken as met) ---------


@pytest.mark.parametrize(
    ("uta", "category"),
    [
        ("0", MICRO),
        ("9", MICRO),
        ("9.5", MICRO),
        ("9.99", MICRO),
        ("10", PME),
        ("249", PME),
        ("249.9", PME),
        ("250", ETI),
        ("4999", ETI),
        ("4999.5", ETI),
        ("5000", GE),
        ("120000", GE),
    ],
)
def test_headcount_boundaries_are_10_250_and_5000_people(uta: str, category: SizeCategory) -> None:
    assert category_of(uta) == category


def test_a_category_computed_from_headcount_rests_on_the_legal_basis() -> None:
    _, basis = size_category(SizeFacts(headcount_uta=Decimal(12)))

    assert basis is SizeBasis.LEGAL


# --- the turnover-or-balance-sheet rule -----------------------------------------------------


def test_a_small_team_with_both_turnover_and_balance_sheet_above_2_meur_is_a_pme() -> None:
    assert category_of("5", turnover=meur(2) + 1, balance_sheet=meur(2) + 1) is PME


@pytest.mark.parametrize(("turnover", "balance_sheet"), [(meur(30), meur(1)), (meur(1), meur(30))])
def test_a_small_team_with_only_one_of_turnover_or_balance_sheet_above_2_meur_stays_micro(
    turnover: int, balance_sheet: int
) -> None:
    assert category_of("5", turnover, balance_sheet) is MICRO


def test_a_small_team_with_only_its_turnover_known_is_judged_on_the_turnover() -> None:
    # domain.md's reference algorithm: an unknown figure is no "true side" of the OR, unless
    # both are unknown.
    assert category_of("5", turnover=meur(30)) is PME
    assert category_of("5", balance_sheet=meur(1)) is MICRO


def test_exactly_2_meur_of_turnover_and_balance_sheet_is_within_the_micro_cap() -> None:
    assert category_of("9", turnover=200_000_000, balance_sheet=200_000_000) is MICRO


def test_one_cent_above_2_meur_on_both_counts_is_beyond_the_micro_cap() -> None:
    assert category_of("9", turnover=200_000_001, balance_sheet=200_000_001) is PME


def test_under_250_people_with_turnover_above_50_and_balance_sheet_above_43_meur_is_an_eti() -> (
    None
):
    assert category_of("100", turnover=meur(50) + 1, balance_sheet=meur(43) + 1) is ETI


@pytest.mark.parametrize(
    ("turnover", "balance_sheet"),
    [(meur(50), meur(500)), (meur(500), meur(43)), (meur(50) + 1, meur(43))],
)
def test_under_250_people_with_either_figure_within_its_pme_cap_is_a_pme(
    turnover: int, balance_sheet: int
) -> None:
    assert category_of("100", turnover, balance_sheet) is PME


def test_under_5000_people_with_turnover_above_1500_and_balance_above_2000_meur_is_a_ge() -> None:
    assert category_of("3000", turnover=meur(1500) + 1, balance_sheet=meur(2000) + 1) is GE


@pytest.mark.parametrize(
    ("turnover", "balance_sheet"), [(meur(1500), meur(9000)), (meur(9000), meur(2000))]
)
def test_under_5000_people_with_either_figure_within_its_eti_cap_is_an_eti(
    turnover: int, balance_sheet: int
) -> None:
    assert category_of("3000", turnover, balance_sheet) is ETI


def test_the_financial_rule_applies_to_a_micro_headcount_all_the_way_up() -> None:
    # Nine people, but the figures of a large group: each smaller category's test fails.
    assert category_of("9", turnover=meur(1500) + 1, balance_sheet=meur(2000) + 1) is GE


# --- SIRENE and staff bands when the headcount is unknown ---------------------------------


@pytest.mark.parametrize(
    ("sirene", "band", "category"),
    [
        ("PME", None, PME),
        ("PME", "03", MICRO),  # SIRENE's PME includes the micro-enterprises
        ("PME", "NN", MICRO),
        ("PME", "12", PME),
        ("ETI", None, ETI),
        ("ETI", "01", ETI),  # only a PME is refined by the band
        ("GE", None, GE),
    ],
)
def test_the_sirene_category_is_used_without_headcount_refined_by_a_micro_staff_band(
    sirene: str, band: str | None, category: SizeCategory
) -> None:
    assessed = size_category(SizeFacts(sirene_category=sirene, staff_band=band))

    assert assessed == (category, SizeBasis.SIRENE)


@pytest.mark.parametrize(
    ("band", "category"),
    [
        ("NN", MICRO),
        ("00", MICRO),
        ("03", MICRO),  # 6–9
        ("11", PME),  # 10–19
        ("31", PME),  # 200–249
        ("32", ETI),  # 250–499
        ("51", ETI),  # 2,000–4,999
        ("52", GE),  # 5,000–9,999
        ("53", GE),  # 10,000+
    ],
)
def test_the_staff_band_alone_serves_as_a_proxy(band: str, category: SizeCategory) -> None:
    assessed = size_category(SizeFacts(staff_band=band))

    assert assessed == (category, SizeBasis.STAFF_BAND)


def test_a_known_headcount_wins_over_sirene_and_the_staff_band() -> None:
    facts = SizeFacts(headcount_uta=Decimal(300), sirene_category="PME", staff_band="03")

    assert size_category(facts) == (ETI, SizeBasis.LEGAL)


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "named"),
    [
        (SizeFacts(headcount_uta=Decimal("-1")), "-1"),
        (SizeFacts(headcount_uta=Decimal(5), turnover_cents=-100), "-100"),
        (SizeFacts(headcount_uta=Decimal(5), balance_sheet_cents=-7), "-7"),
        (SizeFacts(sirene_category="TPE"), "TPE"),  # not one of SIRENE's PME / ETI / GE
        (SizeFacts(sirene_category="pme"), "pme"),
        (SizeFacts(staff_band="99"), "99"),
        (SizeFacts(staff_band="3"), "'3'"),
        (SizeFacts(), "headcount"),
        (SizeFacts(turnover_cents=meur(1), balance_sheet_cents=meur(1)), "headcount"),
    ],
)
def test_size_facts_that_break_a_rule_are_refused_naming_the_value(
    facts: SizeFacts, named: str
) -> None:
    with pytest.raises(InvalidValue) as raised:
        size_category(facts)

    assert raised.value.code == "INVALID_VALUE"
    assert named in raised.value.message


# --- segments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "segment"),
    [(MICRO, Segment.TPE), (PME, Segment.PME_ETI), (ETI, Segment.PME_ETI), (GE, Segment.GE)],
)
def test_each_category_falls_in_one_of_the_plans_three_segments(
    category: SizeCategory, segment: Segment
) -> None:
    assert segment_of(category) is segment


# --- properties ---------------------------------------------------------------------------

RANK = {MICRO: 0, PME: 1, ETI: 2, GE: 3}
headcounts = st.decimals(min_value=0, max_value=20_000, places=2)
money = st.one_of(st.none(), st.integers(min_value=0, max_value=meur(5000)))
# Values near the caps, where the categories change.
money_near_caps = st.one_of(
    money,
    st.sampled_from([meur(m) + d for m in (2, 43, 50, 1500, 2000) for d in (-1, 0, 1)]),
)


@given(headcounts, headcounts, money_near_caps, money_near_caps)
def test_more_people_never_make_a_company_smaller(
    uta_a: Decimal, uta_b: Decimal, turnover: int | None, balance_sheet: int | None
) -> None:
    fewer, more = sorted((uta_a, uta_b))

    smaller = category_of(str(fewer), turnover, balance_sheet)
    larger = category_of(str(more), turnover, balance_sheet)

    assert RANK[larger] >= RANK[smaller]


@given(headcounts, money_near_caps, money_near_caps)
def test_the_category_follows_the_decrees_article_3(
    uta: Decimal, turnover: int | None, balance_sheet: int | None
) -> None:
    def within(turnover_cap: int, balance_cap: int) -> bool:
        if turnover is None and balance_sheet is None:
            return True
        return (turnover is not None and turnover <= meur(turnover_cap)) or (
            balance_sheet is not None and balance_sheet <= meur(balance_cap)
        )

    if uta < 10 and within(2, 2):
        expected = MICRO
    elif uta < 250 and within(50, 43):
        expected = PME
    elif uta < 5000 and within(1500, 2000):
        expected = ETI
    else:
        expected = GE

    assert category_of(str(uta), turnover, balance_sheet) is expected
