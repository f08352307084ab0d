"""A person's other records are found in the log, which has no index by learner or SIREN: a
learner's, another network's enrolments left before anything is decrypted and the keys of the
references to open asked of the key store in one trip a batch, not one trip an event; a sole
trader's, by the SIREN the events hold in clear, without a key."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.personal import Subject
from osezia.domain.privacy.application import Privacy
from osezia.domain.shredding import learner_subject_id
from osezia.domain.sizes import SizeFacts
from osezia.domain.trainings.application import Trainings
from osezia.store.keys import Keyring, MemoryKeys, using_keyring
from tests.unit.conftest import MEMORY

ENROLLED = date(2025, 10, 6)


class CountedKeys(MemoryKeys):
    """A key store in memory that remembers the kids each trip asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.trips: list[set[int]] = []

    def by_kid(self, kids: Collection[int]) -> dict[int, bytes]:
        self.trips.append(set(kids))
        return super().by_kid(kids)


@pytest.fixture
def trainings(companies: Companies) -> Trainings:
    return Trainings(env=MEMORY, share_with=companies, today=lambda: date(2026, 3, 31))


def enrol(trainings: Trainings, tenant: str, learner_ref: str, training: str) -> UUID:
    return trainings.enrol_learner(
        tenant,
        learner_ref=learner_ref,
        training_code=training,
        training_title="L'IA générative pour les PME",
        audience="APPRENTICE",
        region="53",
        on=ENROLLED,
    )


def kid_of(ring: Keyring, tenant: str, learner_ref: str) -> int:
    return ring.sealing((Subject.LEARNER.value, learner_subject_id(tenant, learner_ref))).kid


def test_a_learners_enrolments_are_found_with_one_key_trip_and_no_other_networks_key(
    trainings: Trainings,
) -> None:
    store = CountedKeys()
    with using_keyring(Keyring(store)) as writing:
        theirs = [enrol(trainings, "operator", "LRN-1", f"IA-{n}") for n in range(3)]
        enrol(trainings, "operator", "LRN-2", "IA-0")
        enrol(trainings, "operator", "LRN-3", "IA-0")
        enrol(trainings, "cci", "LRN-1", "IA-0")  # the same reference, another network's learner
        others = {kid_of(writing, "operator", "LRN-2"), kid_of(writing, "operator", "LRN-3")}
        foreign = kid_of(writing, "cci", "LRN-1")
    privacy = Privacy(env=MEMORY, share_with=trainings)
    store.trips.clear()

    with using_keyring(Keyring(store)):  # nothing cached: every key is a trip's
        person = privacy.person("operator", theirs[1])

    assert person.records == (theirs[1], theirs[0], theirs[2])
    # One trip for the enrolment named, one for the references of the network's other learners.
    assert len(store.trips) == 2
    assert store.trips[1] == others
    assert all(foreign not in asked for asked in store.trips)


def register(companies: Companies, siren: str, name: str) -> UUID:
    return companies.register_company(
        "cci",
        siren=siren,
        legal_name=name,
        region="53",
        departement="35",
        naf="16.23Z",
        size=SizeFacts(headcount_uta=Decimal(1)),
        legal_category="1000",
    )


def test_a_sole_traders_records_are_found_by_their_siren_in_clear_without_a_key(
    companies: Companies,
) -> None:
    diagnostics = Diagnostics(env=MEMORY, share_with=companies)
    store = CountedKeys()
    with using_keyring(Keyring(store)):
        company = register(companies, "632012100", "Jeanne Durand")
        other = register(companies, "552100554", "Paul Martin")
        theirs = [diagnostics.request_diagnostic("cci", company_id=company) for _ in range(2)]
        diagnostics.request_diagnostic("cci", company_id=other)
    privacy = Privacy(env=MEMORY, share_with=companies)
    store.trips.clear()

    with using_keyring(Keyring(store)):
        person = privacy.person("cci", company)

    assert person.records == (company, *theirs)
    assert len(store.trips) == 1  # the company's own record, read to name the person
