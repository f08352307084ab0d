"""Once a person is erased, the key store keeps their tombstone and makes them no key again: a
command that would record a personal field about them is refused (PERSON_ERASED) and appends
nothing, so that nothing about them becomes readable again."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from osezia.domain.ambassadors.application import Ambassadors
from osezia.domain.companies.application import Companies
from osezia.domain.errors import DomainError
from osezia.domain.personal import ERASED, Subject
from osezia.domain.shredding import ErasedPerson, erase_subject
from osezia.store.keys import Keyring
from tests.unit.conftest import MEMORY

APPOINTED = date(2025, 9, 1)


@pytest.fixture
def ambassadors(companies: Companies) -> Ambassadors:
    return Ambassadors(env=MEMORY, share_with=companies)


def appoint(ambassadors: Ambassadors, name: str) -> UUID:
    return ambassadors.appoint_ambassador(
        "cci", full_name=name, kind="GRAND_PUBLIC", network="CCI", appointed_on=APPOINTED
    )


def head(ambassadors: Ambassadors) -> int:
    return ambassadors.recorder.max_notification_id() or 0


def test_a_correction_of_an_erased_ambassadors_name_is_refused_and_appends_nothing(
    ambassadors: Ambassadors, memory_keys: Keyring
) -> None:
    ambassador = appoint(ambassadors, "Claire Martin")
    person = (Subject.AMBASSADOR.value, str(ambassador))
    assert erase_subject(Subject.AMBASSADOR, str(ambassador)) == 1
    before = head(ambassadors)

    with pytest.raises(ErasedPerson) as refused:
        ambassadors.correct_ambassador_name("cci", ambassador, full_name="Claire Martin")

    assert isinstance(refused.value, DomainError)
    assert refused.value.code == "PERSON_ERASED"
    assert str(refused.value) == (
        "this ambassador's personal data was erased (right to erasure): nothing about them can "
        "be recorded any more"
    )
    assert head(ambassadors) == before
    assert memory_keys.generations(person) == []  # no key was made for them again
    assert ambassadors.get_ambassador("cci", ambassador).full_name == ERASED


def test_any_command_sealing_a_field_of_an_erased_person_is_refused_and_appends_nothing(
    ambassadors: Ambassadors, memory_keys: Keyring
) -> None:
    ambassador, other = appoint(ambassadors, "Claire Martin"), appoint(ambassadors, "Paul Autre")
    erase_subject(Subject.AMBASSADOR, str(ambassador))
    before = head(ambassadors)

    with pytest.raises(ErasedPerson):
        ambassadors.withdraw_ambassador("cci", ambassador, reason="départ", on=APPOINTED)

    assert head(ambassadors) == before
    assert memory_keys.generations((Subject.AMBASSADOR.value, str(ambassador))) == []
    # Someone else is untouched.
    ambassadors.withdraw_ambassador("cci", other, reason="départ", on=APPOINTED)
    assert head(ambassadors) > before
    assert ambassadors.get_ambassador("cci", other).withdrawal_reason == "départ"
