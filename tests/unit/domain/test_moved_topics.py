"""Classes that moved (issue 11) keep the topics their events were stored under."""

from __future__ import annotations

from types import ModuleType

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, resolve_topic

from osezia.domain.events import model as events
from osezia.domain.solutions import model as solutions
from osezia.domain.trainings import model as trainings

# The stored topics, written out: the log holds these strings, whatever the code is called now.
STORED: dict[str, type] = {
    "osezia.domain.meetups.model:Meetup": events.Event,
    "osezia.domain.meetups.model:Meetup.Scheduled": events.Event.Scheduled,
    "osezia.domain.meetups.model:Meetup.CompanyRegistered": events.Event.CompanyRegistered,
    "osezia.domain.meetups.model:Meetup.ProviderRegistered": events.Event.ProviderRegistered,
    "osezia.domain.meetups.model:Meetup.MeetingBooked": events.Event.MeetingBooked,
    "osezia.domain.meetups.model:Meetup.AttendanceRecorded": events.Event.AttendanceRecorded,
    "osezia.domain.meetups.model:Meetup.Held": events.Event.Held,
    "osezia.domain.meetups.model:Meetup.Cancelled": events.Event.Cancelled,
    "osezia.domain.academie.model:Enrolment": trainings.Enrolment,
    "osezia.domain.academie.model:Enrolment.Enrolled": trainings.Enrolment.Enrolled,
    "osezia.domain.academie.model:Enrolment.Completed": trainings.Enrolment.Completed,
    "osezia.domain.catalogue.model:SolutionProvider": solutions.SolutionProvider,
    "osezia.domain.catalogue.model:SolutionProvider.Listed": solutions.SolutionProvider.Listed,
    "osezia.domain.catalogue.model:Solution": solutions.Solution,
    "osezia.domain.catalogue.model:Solution.Listed": solutions.Solution.Listed,
    "osezia.domain.catalogue.model:Solution.Withdrawn": solutions.Solution.Withdrawn,
    "osezia.domain.catalogue.model:Adoption": solutions.Adoption,
    "osezia.domain.catalogue.model:Adoption.Recorded": solutions.Adoption.Recorded,
}

OLD_MODULES = {
    events: "osezia.domain.meetups.model",
    trainings: "osezia.domain.academie.model",
    solutions: "osezia.domain.catalogue.model",
}


@pytest.mark.parametrize("stored", sorted(STORED))
def test_a_moved_class_is_stored_under_its_old_topic(stored: str) -> None:
    assert get_topic(STORED[stored]) == stored


@pytest.mark.parametrize("stored", sorted(STORED))
def test_an_old_topic_resolves_to_the_moved_class(stored: str) -> None:
    assert resolve_topic(stored) is STORED[stored]


def recorded_classes(module: ModuleType) -> list[type]:
    """Every aggregate of the module and every event class it records (not the bases that
    eventsourcing defines and nobody records: ``Event`` and an unused ``Created``)."""
    found: list[type] = []
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Aggregate) and value is not Aggregate:
            found.append(value)
            found += [
                nested
                for name, nested in vars(value).items()
                if isinstance(nested, type)
                and issubclass(nested, CanMutateAggregate)
                and name not in ("Event", "Created")
            ]
    return found


@pytest.mark.parametrize("module", list(OLD_MODULES), ids=lambda m: m.__name__)
def test_every_recorded_class_of_a_moved_module_is_listed_with_its_stored_topic(
    module: ModuleType,
) -> None:
    classes = recorded_classes(module)
    assert classes
    for cls in classes:
        topic = get_topic(cls)
        assert topic.startswith(OLD_MODULES[module] + ":"), topic
        assert STORED.get(topic) is cls, topic
