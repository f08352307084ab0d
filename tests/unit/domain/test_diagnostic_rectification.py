"""Rectification (RGPD art. 16) of a diagnostic's expert: the corrected text is sealed under a new
key generation of the expert's and the older ones go, so the text recorded before reads
« effacé »; a correction refused (no expert yet, a blank or unchanged text, a diagnostic the
caller does not see, an erased expert) makes no key and appends nothing."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.diagnostics.model import Diagnostic, NoExpertAssigned
from osezia.domain.errors import InvalidValue, NotFound
from osezia.domain.personal import ERASED, Subject
from osezia.domain.shredding import ErasedPerson, erase_subject
from osezia.domain.sizes import SizeFacts
from osezia.store.keys import Keyring
from tests.unit.conftest import MEMORY


@pytest.fixture
def diagnostics(companies: Companies) -> Diagnostics:
    return Diagnostics(env=MEMORY, share_with=companies)


def requested_by_cci(companies: Companies, diagnostics: Diagnostics) -> UUID:
    company_id = companies.register_company(
        "cci",
        siren="552100018",
        legal_name="Menuiserie Lorraine",
        region="44",
        departement="54",
        naf="16.23Z",
        size=SizeFacts(headcount_uta=Decimal(40)),
    )
    return diagnostics.request_diagnostic("cci", company_id=company_id)


@pytest.fixture
def assigned(companies: Companies, diagnostics: Diagnostics) -> UUID:
    """A diagnostic CCI requested, whose expert Bpifrance (the pilot) assigned."""
    diagnostic_id = requested_by_cci(companies, diagnostics)
    diagnostics.check_eligibility("bpifrance", diagnostic_id)
    diagnostics.assign_expert("bpifrance", diagnostic_id, expert="Cabinet Data Est")
    return diagnostic_id


def expert_of(diagnostic_id: UUID) -> tuple[str, str]:
    return Subject.EXPERT.value, str(diagnostic_id)


def head(diagnostics: Diagnostics) -> int:
    return diagnostics.recorder.max_notification_id() or 0


def experts_recorded(diagnostics: Diagnostics, diagnostic_id: UUID) -> list[tuple[str, str]]:
    """Each event that names the expert, as the log reads it now: its class and its text."""
    return [
        (type(e).__qualname__, e.expert)
        for e in diagnostics.repository.event_store.get(diagnostic_id)
        if isinstance(e, Diagnostic.ExpertAssigned | Diagnostic.ExpertCorrected)
    ]


def test_a_corrected_expert_is_sealed_under_a_new_generation_and_the_old_text_reads_effacé(
    diagnostics: Diagnostics, memory_keys: Keyring, assigned: UUID
) -> None:
    (old,) = memory_keys.generations(expert_of(assigned))

    diagnostics.correct_diagnostic_expert("bpifrance", assigned, expert="  Cabinet  Data  Ouest ")

    (new,) = memory_keys.generations(expert_of(assigned))
    assert new != old
    diagnostic = diagnostics.get_diagnostic("cci", assigned)
    assert diagnostic.expert == "Cabinet Data Ouest"  # white space folded, as when assigned
    assert diagnostic.status == "EXPERT_ASSIGNED"  # a correction is no step
    assert experts_recorded(diagnostics, assigned) == [
        ("Diagnostic.ExpertAssigned", ERASED),
        ("Diagnostic.ExpertCorrected", "Cabinet Data Ouest"),
    ]


def test_a_second_correction_erases_the_first(
    diagnostics: Diagnostics, memory_keys: Keyring, assigned: UUID
) -> None:
    diagnostics.correct_diagnostic_expert("bpifrance", assigned, expert="Cabinet Data Ouest")
    diagnostics.correct_diagnostic_expert("bpifrance", assigned, expert="Cabinet Data Nord")

    assert len(memory_keys.generations(expert_of(assigned))) == 1
    assert experts_recorded(diagnostics, assigned) == [
        ("Diagnostic.ExpertAssigned", ERASED),
        ("Diagnostic.ExpertCorrected", ERASED),
        ("Diagnostic.ExpertCorrected", "Cabinet Data Nord"),
    ]


def test_the_network_that_requested_the_diagnostic_may_correct_its_expert(
    diagnostics: Diagnostics, assigned: UUID
) -> None:
    # The domain lets the owner and the pilot act; which of them holds the command is the
    # profiles' (the same networks as may assign an expert).
    diagnostics.correct_diagnostic_expert("cci", assigned, expert="Cabinet Data Ouest")

    assert diagnostics.get_diagnostic("bpifrance", assigned).expert == "Cabinet Data Ouest"


@pytest.mark.parametrize("refused", ["   ", "Cabinet Data Est", " Cabinet  Data Est "])
def test_a_blank_or_unchanged_expert_is_refused_makes_no_key_and_appends_nothing(
    diagnostics: Diagnostics, memory_keys: Keyring, assigned: UUID, refused: str
) -> None:
    keys, before = memory_keys.generations(expert_of(assigned)), head(diagnostics)

    with pytest.raises(InvalidValue):
        diagnostics.correct_diagnostic_expert("bpifrance", assigned, expert=refused)

    assert memory_keys.generations(expert_of(assigned)) == keys
    assert head(diagnostics) == before
    assert diagnostics.get_diagnostic("bpifrance", assigned).expert == "Cabinet Data Est"


def test_a_diagnostic_without_an_expert_has_none_to_correct(
    companies: Companies, diagnostics: Diagnostics, memory_keys: Keyring
) -> None:
    diagnostic_id = requested_by_cci(companies, diagnostics)
    diagnostics.check_eligibility("bpifrance", diagnostic_id)
    before = head(diagnostics)

    with pytest.raises(NoExpertAssigned) as refused:
        diagnostics.correct_diagnostic_expert("bpifrance", diagnostic_id, expert="Cabinet")

    assert refused.value.code == "NO_EXPERT_ASSIGNED"
    assert str(refused.value) == (
        f"diagnostic {diagnostic_id} has no expert assigned yet: there is no expert to correct "
        "(assign one with assignExpert)"
    )
    assert head(diagnostics) == before
    assert memory_keys.generations(expert_of(diagnostic_id)) == []


def test_a_diagnostic_the_caller_does_not_see_is_not_found_and_keeps_its_keys(
    diagnostics: Diagnostics, memory_keys: Keyring, assigned: UUID
) -> None:
    keys, before = memory_keys.generations(expert_of(assigned)), head(diagnostics)

    with pytest.raises(NotFound) as refused:
        diagnostics.correct_diagnostic_expert("french-tech", assigned, expert="Someone")

    # Worded as for an id that does not exist, so that ids cannot be probed.
    assert str(refused.value) == f"no diagnostic with id {assigned}"
    assert memory_keys.generations(expert_of(assigned)) == keys
    assert head(diagnostics) == before
    assert diagnostics.get_diagnostic("cci", assigned).expert == "Cabinet Data Est"


def test_a_correction_of_an_erased_expert_is_refused_and_appends_nothing(
    diagnostics: Diagnostics, memory_keys: Keyring, assigned: UUID
) -> None:
    assert erase_subject(Subject.EXPERT, str(assigned)) == 1
    before = head(diagnostics)

    with pytest.raises(ErasedPerson) as refused:
        diagnostics.correct_diagnostic_expert("bpifrance", assigned, expert="Cabinet Data Est")

    assert refused.value.code == "PERSON_ERASED"
    assert str(refused.value) == (
        "this expert's personal data was erased (right to erasure): nothing about them can be "
        "recorded any more"
    )
    assert head(diagnostics) == before
    assert memory_keys.generations(expert_of(assigned)) == []  # no key made for them again
    assert diagnostics.get_diagnostic("cci", assigned).expert == ERASED
