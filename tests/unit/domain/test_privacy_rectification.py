"""Rectification (RGPD art. 16) of an ambassador's name: the corrected name is sealed under a new
key generation and the older ones go; a correction refused leaves their keys as they were."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from osezia.domain.ambassadors.application import Ambassadors
from osezia.domain.companies.application import Companies
from osezia.domain.errors import InvalidValue, NotFound
from osezia.domain.personal import Subject
from osezia.store.keys import Keyring
from tests.unit.conftest import MEMORY

APPOINTED = date(2025, 9, 1)


@pytest.fixture
def ambassadors(companies: Companies) -> Ambassadors:
    return Ambassadors(env=MEMORY, share_with=companies)


def appoint(ambassadors: Ambassadors) -> UUID:
    return ambassadors.appoint_ambassador(
        "cci", full_name="Claire Martin", kind="GRAND_PUBLIC", network="CCI", appointed_on=APPOINTED
    )


def head(ambassadors: Ambassadors) -> int:
    return ambassadors.recorder.max_notification_id() or 0


@pytest.mark.parametrize("refused", ["   ", "Claire Martin"])
def test_a_refused_correction_makes_no_key_and_appends_nothing(
    ambassadors: Ambassadors, memory_keys: Keyring, refused: str
) -> None:
    ambassador = appoint(ambassadors)
    person = (Subject.AMBASSADOR.value, str(ambassador))
    keys, before = memory_keys.generations(person), head(ambassadors)

    with pytest.raises(InvalidValue):
        ambassadors.correct_ambassador_name("cci", ambassador, full_name=refused)

    assert memory_keys.generations(person) == keys
    assert head(ambassadors) == before
    assert ambassadors.get_ambassador("cci", ambassador).full_name == "Claire Martin"


def test_another_networks_ambassador_is_not_found_and_gets_no_key(
    ambassadors: Ambassadors, memory_keys: Keyring
) -> None:
    ambassador = appoint(ambassadors)
    person = (Subject.AMBASSADOR.value, str(ambassador))
    keys = memory_keys.generations(person)

    with pytest.raises(NotFound):
        ambassadors.correct_ambassador_name("bpifrance", ambassador, full_name="Claire Moreau")

    assert memory_keys.generations(person) == keys


def test_a_corrected_name_is_sealed_under_a_new_generation_and_the_old_one_goes(
    ambassadors: Ambassadors, memory_keys: Keyring
) -> None:
    ambassador = appoint(ambassadors)
    person = (Subject.AMBASSADOR.value, str(ambassador))
    (old,) = memory_keys.generations(person)

    ambassadors.correct_ambassador_name("cci", ambassador, full_name="Claire Moreau")

    (new,) = memory_keys.generations(person)
    assert new != old
    assert ambassadors.get_ambassador("cci", ambassador).full_name == "Claire Moreau"
