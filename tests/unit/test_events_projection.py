"""The events read model's rows, from stored events as every version of them was written."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import orjson
import pytest

from osezia.domain.events.model import Event
from osezia.projections import events
from osezia.projections.codec import StoredEvent
from osezia.projections.readmodel import topic
from osezia.projections.table import Row

EVENT = UUID(int=7)
COMPANY = UUID(int=8)
STAMP = {"_type_": "datetime_iso", "_data_": "2026-05-01T10:00:00+00:00"}


def stored(event_class: type, position: int, **data: Any) -> StoredEvent:
    state = orjson.dumps({"timestamp": STAMP, **data})
    return StoredEvent(position, EVENT, position, topic(event_class), state)


def scheduled(kind: str, **more: Any) -> Row:
    return events.scheduled(
        stored(
            Event.Scheduled,
            1,
            tenant="cci",
            title="Rencontres",
            kind=kind,
            region=None if kind == "NATIONAL_DAY" else "53",
            on={"_type_": "date_iso", "_data_": "2026-05-01"},
            capacity=9,
            **more,
        )
    )


@pytest.mark.parametrize(("kind", "opened"), [("NATIONAL_DAY", True), ("MONTHLY_MEETUP", False)])
def test_an_event_stored_before_events_could_be_open_is_open_if_it_is_the_national_day(
    kind: str, opened: bool
) -> None:
    assert scheduled(kind)["is_open"] is opened


def test_an_event_scheduled_open_is_open() -> None:
    assert scheduled("MONTHLY_MEETUP", open=True)["is_open"] is True


@pytest.mark.parametrize(
    ("by", "registrant"), [({}, "cci"), ({"by": None}, "cci"), ({"by": "inria"}, "inria")]
)
def test_each_registration_keeps_the_network_that_made_it_the_organiser_when_unnamed(
    by: dict[str, Any], registrant: str
) -> None:
    company = {"_type_": "uuid_hex", "_data_": COMPANY.hex}
    event = stored(Event.CompanyRegistered, 2, company_id=company, **by)

    row = events.company_registered(scheduled("MONTHLY_MEETUP"), event)

    assert row["participants"] == [
        {"kind": "COMPANY", "company_id": str(COMPANY), "by": registrant}
    ]
    assert row["registered_count"] == 1


def test_a_held_event_keeps_its_day() -> None:
    event = stored(Event.Held, 2, on={"_type_": "date_iso", "_data_": "2026-05-02"})

    row = events.held(scheduled("MONTHLY_MEETUP"), event)

    assert (row["status"], row["held_on"], row["position"]) == ("HELD", date(2026, 5, 2), 2)
