"""A company's catégorie juridique: INSEE's code of 4 digits, the first from 1 to 9, kept as a
string; 1000 tells a sole trader. Registrations stored before it was recorded read back with
none."""

from __future__ import annotations

import re
from decimal import Decimal
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.companies.application import Companies
from osezia.domain.companies.legal import (
    InvalidLegalCategory,
    is_sole_trader,
    normalise_legal_category,
)
from osezia.domain.companies.model import Company
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY

SIREN = "632012100"
INSEE_CODE = re.compile(r"[1-9][0-9]{3}")


@given(
    st.one_of(
        st.text(max_size=6),
        st.from_regex(r"\A\s?[0-9]{3,5}\s?\Z"),
        st.integers(1000, 9999).map(str),
    )
)
def test_a_category_is_accepted_exactly_when_it_is_four_digits_the_first_not_zero(
    value: str,
) -> None:
    code = value.strip()
    if INSEE_CODE.fullmatch(code):
        assert normalise_legal_category(value) == code
        assert is_sole_trader(code) is (code == "1000")
        return
    with pytest.raises(InvalidLegalCategory) as raised:
        normalise_legal_category(value)
    assert raised.value.code == "INVALID_LEGAL_CATEGORY"
    assert raised.value.message.startswith(f"catégorie juridique {value!r} must be")


def test_an_unknown_category_tells_nothing_of_a_sole_trader() -> None:
    assert is_sole_trader(None) is None


def register(companies: Companies, tenant: str, category: str | None = None) -> UUID:
    return companies.register_company(
        tenant,
        siren=SIREN,
        legal_name="Jeanne Durand",
        region="53",
        departement="35",
        naf="16.23Z",
        size=SizeFacts(headcount_uta=Decimal(1)),
        legal_category=category,
    )


def test_a_malformed_category_registers_nothing(companies: Companies) -> None:
    with pytest.raises(InvalidLegalCategory):
        register(companies, "cci", "01000")

    assert companies.recorder.max_notification_id() in (None, 0)


def test_recording_the_category_the_company_has_appends_nothing(companies: Companies) -> None:
    company_id = register(companies, "cci", "1000")
    before = companies.recorder.max_notification_id()

    companies.record_legal_category("cci", company_id, legal_category=" 1000 ")

    assert companies.recorder.max_notification_id() == before
    assert companies.get_company("cci", company_id).legal_category == "1000"


def test_registrations_stored_before_the_category_read_back_with_none(
    companies: Companies,
) -> None:
    company_id = register(companies, "cci", "1000")
    register(companies, "bpifrance")
    older = Companies(env=MEMORY, networks=companies.networks)

    # The same history as version 2 stored it: no catégorie juridique, nor its own event.
    notifications = companies.recorder.select_notifications(start=1, limit=100)
    older.recorder.insert_events(
        [as_version_2(n) for n in notifications if not n.topic.endswith("LegalCategoryRecorded")]
    )

    reread: Company = older.repository.get(company_id)
    assert reread.legal_category is None
    assert set(reread.records) == {"cci", "bpifrance"}


def as_version_2(stored: StoredEvent) -> StoredEvent:
    state = orjson.loads(stored.state)
    if stored.topic.endswith(("Company.Registered", "Company.Followed")):
        assert state.pop("class_version") == 3
        state["class_version"] = 2
        del state["legal_category"]
    return StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=orjson.dumps(state),
    )
