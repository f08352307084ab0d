"""Rectification (RGPD art. 16) of a company's legal name: every network's record takes the
corrected name. A sole trader's (or an unknown category's) is sealed under a new key generation
of the SIREN's and the older ones go, so the name recorded before reads « effacé » in the
company's events and in the records that copied it; a personne morale's history keeps it. A
correction refused (a blank or unchanged name, a company the caller does not see, an erased
sole trader) makes no key and appends nothing."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.errors import InvalidValue, NotFound
from osezia.domain.personal import ERASED, Subject
from osezia.domain.shredding import ErasedPerson, erase_subject
from osezia.domain.sizes import SizeFacts
from osezia.store.keys import Keyring
from tests.unit.conftest import MEMORY

SIREN = "552100018"
SOLE_TRADER = (Subject.SOLE_TRADER.value, SIREN)


def registered(companies: Companies, tenant: str, name: str, category: str | None) -> UUID:
    return companies.register_company(
        tenant,
        siren=SIREN,
        legal_name=name,
        region="44",
        departement="54",
        naf="16.23Z",
        size=SizeFacts(headcount_uta=Decimal(1)),
        legal_category=category,
    )


@pytest.fixture
def company(companies: Companies) -> UUID:
    """A sole trader CCI registered, whom Bpifrance follows under a name of its own typing."""
    company_id = registered(companies, "cci", "Zélie Marchandau", "1000")
    registered(companies, "bpifrance", "Zelie Marchandau", None)
    return company_id


def head(companies: Companies) -> int:
    return companies.recorder.max_notification_id() or 0


def names_recorded(companies: Companies, company_id: UUID) -> list[tuple[str, str]]:
    """Each event that names the company, as the log reads it now: its class and the name."""
    return [
        (type(e).__qualname__, e.legal_name)
        for e in companies.repository.event_store.get(company_id)
        if isinstance(e, Company.Registered | Company.Followed | Company.LegalNameCorrected)
    ]


def test_a_corrected_name_is_every_records_and_the_names_before_read_effacé(
    companies: Companies, memory_keys: Keyring, company: UUID
) -> None:
    (old,) = memory_keys.generations(SOLE_TRADER)

    companies.correct_company_name("bpifrance", company, legal_name="  Zélie  Marchandeau ")

    (new,) = memory_keys.generations(SOLE_TRADER)
    assert new != old
    corrected = companies.get_company("cci", company)
    assert corrected.legal_name == "Zélie Marchandeau"  # white space folded, as when registered
    assert {t: r.legal_name for t, r in corrected.records.items()} == {
        "cci": "Zélie Marchandeau",
        "bpifrance": "Zélie Marchandeau",
    }
    assert names_recorded(companies, company) == [
        ("Company.Registered", ERASED),
        ("Company.Followed", ERASED),
        ("Company.LegalNameCorrected", "Zélie Marchandeau"),
    ]


def test_a_record_that_copied_the_name_before_reads_it_effacé(
    companies: Companies, memory_keys: Keyring, company: UUID
) -> None:
    diagnostics = Diagnostics(env=MEMORY, share_with=companies)
    before = diagnostics.request_diagnostic("cci", company_id=company)

    companies.correct_company_name("cci", company, legal_name="Zélie Marchandeau")
    after = diagnostics.request_diagnostic("bpifrance", company_id=company)

    assert diagnostics.get_diagnostic("cci", before).company_name == ERASED
    assert diagnostics.get_diagnostic("bpifrance", after).company_name == "Zélie Marchandeau"


def test_a_second_correction_erases_the_first(
    companies: Companies, memory_keys: Keyring, company: UUID
) -> None:
    companies.correct_company_name("cci", company, legal_name="Zélie Marchandeau")
    companies.correct_company_name("cci", company, legal_name="Zélie Marchandeaux")

    assert len(memory_keys.generations(SOLE_TRADER)) == 1
    assert names_recorded(companies, company)[2:] == [
        ("Company.LegalNameCorrected", ERASED),
        ("Company.LegalNameCorrected", "Zélie Marchandeaux"),
    ]


def test_a_company_whose_category_is_unknown_is_rectified_as_a_sole_trader_may_be(
    companies: Companies, memory_keys: Keyring
) -> None:
    company_id = registered(companies, "cci", "Zélie Marchandau", None)
    (old,) = memory_keys.generations(SOLE_TRADER)

    companies.correct_company_name("cci", company_id, legal_name="Zélie Marchandeau")

    assert memory_keys.generations(SOLE_TRADER) != [old]
    assert names_recorded(companies, company_id) == [
        ("Company.Registered", ERASED),
        ("Company.LegalNameCorrected", "Zélie Marchandeau"),
    ]


def test_a_personne_morales_name_is_corrected_and_its_history_keeps_the_name_before(
    companies: Companies, memory_keys: Keyring
) -> None:
    company_id = registered(companies, "cci", "Menuiserie Lorainne", "5710")
    keys = memory_keys.generations(SOLE_TRADER)

    companies.correct_company_name("cci", company_id, legal_name="Menuiserie Lorraine")

    # Sealed under the SIREN's key as every company's name, whose keys stay: it is no person's.
    assert memory_keys.generations(SOLE_TRADER) == keys
    assert names_recorded(companies, company_id) == [
        ("Company.Registered", "Menuiserie Lorainne"),
        ("Company.LegalNameCorrected", "Menuiserie Lorraine"),
    ]
    assert companies.get_company("cci", company_id).legal_name == "Menuiserie Lorraine"


@pytest.mark.parametrize(
    ("refused", "message"),
    [
        ("   ", "the legal name cannot be empty"),
        (
            " Zélie  Marchandau",
            "the corrected legal name is the name recorded: nothing to correct",
        ),
    ],
)
def test_a_blank_or_unchanged_name_is_refused_makes_no_key_and_appends_nothing(
    companies: Companies, memory_keys: Keyring, refused: str, message: str
) -> None:
    company_id = registered(companies, "cci", "Zélie Marchandau", "1000")
    keys, before = memory_keys.generations(SOLE_TRADER), head(companies)

    with pytest.raises(InvalidValue) as refusal:
        companies.correct_company_name("cci", company_id, legal_name=refused)

    assert (refusal.value.code, str(refusal.value)) == ("INVALID_VALUE", message)
    assert memory_keys.generations(SOLE_TRADER) == keys
    assert head(companies) == before
    assert companies.get_company("cci", company_id).legal_name == "Zélie Marchandau"


def test_a_name_one_follower_holds_already_is_still_corrected_for_the_other(
    companies: Companies, company: UUID
) -> None:
    companies.correct_company_name("bpifrance", company, legal_name="Zélie Marchandau")

    assert companies.get_company("bpifrance", company).records["bpifrance"].legal_name == (
        "Zélie Marchandau"
    )


def test_a_company_the_caller_does_not_see_is_not_found_and_keeps_its_keys(
    companies: Companies, memory_keys: Keyring, company: UUID
) -> None:
    keys, before = memory_keys.generations(SOLE_TRADER), head(companies)

    with pytest.raises(NotFound) as refused:
        companies.correct_company_name("french-tech", company, legal_name="Someone")

    # Worded as for an id that does not exist, so that ids cannot be probed.
    assert str(refused.value) == f"no company with id {company}"
    assert memory_keys.generations(SOLE_TRADER) == keys
    assert head(companies) == before
    assert companies.get_company("cci", company).legal_name == "Zélie Marchandau"


def test_a_correction_of_an_erased_sole_trader_is_refused_and_appends_nothing(
    companies: Companies, memory_keys: Keyring, company: UUID
) -> None:
    assert erase_subject(Subject.SOLE_TRADER, SIREN) == 1
    before = head(companies)

    with pytest.raises(ErasedPerson) as refused:
        companies.correct_company_name("cci", company, legal_name="Zélie Marchandeau")

    assert refused.value.code == "PERSON_ERASED"
    assert head(companies) == before
    assert memory_keys.generations(SOLE_TRADER) == []  # no key made for them again
    assert companies.get_company("cci", company).legal_name == ERASED
