"""A company's NAF code is one of INSEE's sous-classes, recorded with its nomenclature
(``NAFRev2``) in the registration and follow events; events written before the nomenclature was
recorded read back as NAF rév. 2."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent

from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.errors import InvalidNaf
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY

SIREN = "632012100"


def register(companies: Companies, tenant: str, naf: str) -> UUID:
    return companies.register_company(
        tenant,
        siren=SIREN,
        legal_name="Compagnie Générale",
        region="84",
        departement="69",
        naf=naf,
        size=SizeFacts(headcount_uta=Decimal(12)),
    )


def stored_states(companies: Companies) -> list[dict[str, object]]:
    notifications = companies.recorder.select_notifications(start=1, limit=100)
    return [orjson.loads(n.state) for n in notifications]


def test_a_registration_and_a_follow_record_the_code_with_its_nomenclature(
    companies: Companies,
) -> None:
    company_id = register(companies, "cci", "6201z")
    register(companies, "bpifrance", "62.02A")

    company = companies.get_company("cci", company_id)
    registered, followed = (
        s for s in stored_states(companies) if "naf" in s
    )  # the size assessments hold no code
    assert (company.naf, company.naf_nomenclature) == ("62.01Z", "NAFRev2")
    assert company.records["bpifrance"].naf_nomenclature == "NAFRev2"
    assert (registered["naf"], registered["naf_nomenclature"]) == ("62.01Z", "NAFRev2")
    assert (followed["naf"], followed["naf_nomenclature"]) == ("62.02A", "NAFRev2")


@pytest.mark.parametrize("naf", ["99.99Z", "62.00Z", "9999Z"])
def test_a_code_that_is_not_a_sous_classe_registers_nothing(companies: Companies, naf: str) -> None:
    with pytest.raises(InvalidNaf) as raised:
        register(companies, "cci", naf)

    assert raised.value.code == "INVALID_NAF"
    assert "is not a sous-classe of NAF rév. 2 (INSEE)" in raised.value.message
    assert companies.recorder.max_notification_id() in (None, 0)


def test_events_stored_before_the_nomenclature_was_recorded_read_back_as_naf_rev2(
    companies: Companies,
) -> None:
    company_id = register(companies, "cci", "62.01Z")
    register(companies, "bpifrance", "62.02A")
    older = Companies(env=MEMORY, networks=companies.networks)

    # The same history as it was stored then: version 1 of both events, with no nomenclature.
    older.recorder.insert_events(
        [as_version_1(n) for n in companies.recorder.select_notifications(start=1, limit=100)]
    )

    reread: Company = older.repository.get(company_id)
    assert {t: r.naf_nomenclature for t, r in reread.records.items()} == {
        "cci": "NAFRev2",
        "bpifrance": "NAFRev2",
    }
    assert vars(reread) == vars(companies.repository.get(company_id))


def as_version_1(stored: StoredEvent) -> StoredEvent:
    state = orjson.loads(stored.state)
    if stored.topic.endswith(("Company.Registered", "Company.Followed")):
        assert state.pop("class_version") == 3
        del state["naf_nomenclature"], state["legal_category"]
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=orjson.dumps(state),
    )
