"""Every event of the domain says, for each field that may carry text, whether it is personal.

The events are found the way the log finds them: every subclass of eventsourcing's DomainEvent
defined in a module of osezia.domain, once each module of the package is imported.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, DomainEvent

import osezia.domain
from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.application import CommandReceipt
from osezia.domain.personal import (
    BOOKKEEPING,
    ERASED,
    PersonalData,
    Subject,
    carries_text,
    declaration_of,
    of_ambassador,
    of_learner,
    of_sole_trader,
    personal_data,
    problems_of,
)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def domain_events() -> list[type]:
    for module in pkgutil.walk_packages(osezia.domain.__path__, "osezia.domain."):
        importlib.import_module(module.name)
    # eventsourcing redefines an aggregate's nested event classes as subclasses of its base
    # event: one class a name, the one the aggregate holds (the most derived).
    by_name: dict[tuple[str, str], type] = {}
    for event_class in _subclasses(DomainEvent):
        name = (event_class.__module__, event_class.__qualname__)
        if name[0].startswith("osezia.domain."):
            known = by_name.get(name)
            if known is None or issubclass(event_class, known):
                by_name[name] = event_class
    return [by_name[name] for name in sorted(by_name)]


EVENTS = domain_events()


def test_every_event_of_every_aggregate_of_the_domain_is_checked() -> None:
    aggregates = [a for a in _subclasses(Aggregate) if a.__module__.startswith("osezia.domain.")]
    nested = {
        v
        for a in aggregates
        for v in vars(a).values()
        if isinstance(v, type) and issubclass(v, DomainEvent)
    }

    assert {a.__name__ for a in aggregates} >= {"Ambassador", "Diagnostic", "Enrolment", "Company"}
    assert {Ambassador.Appointed, CommandReceipt.Recorded} <= nested <= set(EVENTS)


@pytest.mark.parametrize("event_class", EVENTS, ids=lambda e: f"{e.__module__}:{e.__qualname__}")
def test_every_text_field_of_an_event_is_declared_personal_or_not(event_class: type) -> None:
    assert problems_of(event_class) == []


# --- who is named: the natural persons the plan records ------------------------------------------

# Each (event, field) that names a natural person, and the kind of person.
NATURAL_PERSONS = {
    ("osezia.domain.ambassadors.model", "Ambassador.Appointed", "full_name"): "AMBASSADOR",
    ("osezia.domain.ambassadors.model", "Ambassador.Withdrawn", "reason"): "AMBASSADOR",
    ("osezia.domain.ambassadors.model", "Ambassador.NameCorrected", "full_name"): "AMBASSADOR",
    ("osezia.domain.diagnostics.model", "Diagnostic.ExpertAssigned", "expert"): "EXPERT",
    ("osezia.domain.diagnostics.model", "Diagnostic.ExpertCorrected", "expert"): "EXPERT",
    ("osezia.domain.trainings.model", "Enrolment.Enrolled", "learner_ref"): "LEARNER",
    ("osezia.domain.companies.model", "Company.Registered", "legal_name"): "SOLE_TRADER",
    ("osezia.domain.companies.model", "Company.Followed", "legal_name"): "SOLE_TRADER",
    ("osezia.domain.companies.model", "Company.LegalNameCorrected", "legal_name"): "SOLE_TRADER",
    ("osezia.domain.diagnostics.model", "Diagnostic.Requested", "company_name"): "SOLE_TRADER",
    ("osezia.domain.loans.model", "Loan.Applied", "company_name"): "SOLE_TRADER",
    ("osezia.domain.acceleration.model", "Cohort.Admitted", "company_name"): "SOLE_TRADER",
    ("osezia.domain.partnerships.model", "Partnership.Proposed", "company_name"): "SOLE_TRADER",
    ("osezia.domain.solutions.model", "Adoption.Recorded", "company_name"): "SOLE_TRADER",
    ("osezia.domain.solutions.model", "SolutionProvider.Listed", "name"): "SOLE_TRADER",
    ("osezia.domain.solutions.model", "Solution.Listed", "provider_name"): "SOLE_TRADER",
    ("osezia.domain.events.model", "Event.ProviderRegistered", "name"): "SOLE_TRADER",
    ("osezia.domain.calls.submissions", "CallApplication.Submitted", "company_name"): "SOLE_TRADER",
}


def declared_persons() -> dict[tuple[str, str, str], str]:
    return {
        (e.__module__, e.__qualname__, field): about.subject.value
        for e in EVENTS
        for about in declaration_of(e).about
        for field in about.fields
    }


def test_the_personal_fields_are_the_natural_persons_of_the_plan() -> None:
    assert declared_persons() == NATURAL_PERSONS


def test_a_sole_traders_name_is_told_by_a_siren_and_an_ambassadors_by_their_record() -> None:
    for event_class in EVENTS:
        for about in declaration_of(event_class).about:
            if about.subject is Subject.SOLE_TRADER:
                assert len(about.identified_by) == 1
                assert about.identified_by[0].endswith("siren"), event_class.__qualname__
            if about.subject in (Subject.AMBASSADOR, Subject.EXPERT):
                assert about.identified_by == ("originator_id",)


def test_an_idempotency_receipts_fingerprint_is_a_digest_of_personal_arguments() -> None:
    assert declaration_of(CommandReceipt.Recorded).digests == {"fingerprint"}


def test_declaring_stores_nothing_more_in_an_event() -> None:
    ambassador_ = Ambassador(
        tenant="cci",
        full_name="Camille Martin",
        kind="GRAND_PUBLIC",
        network="CCI",
        region=None,
        sectors=[],
        appointed_on=date(2025, 3, 1),
    )

    (appointed,) = ambassador_.collect_events()

    assert "PERSONAL_DATA" not in vars(appointed)
    assert set(vars(appointed)) == BOOKKEEPING | {
        "tenant",
        "full_name",
        "kind",
        "network",
        "region",
        "sectors",
        "appointed_on",
        "profile",
    }


# --- the check itself finds what it is there to find --------------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str
    phone_digits: int


class Sample(Aggregate):
    """Events made up to show what the check reports."""

    class Undeclared(Aggregate.Event):
        note: str
        count: int

    class Nested(Aggregate.Event):
        contacts: list[Contact]
        tags: tuple[str, ...]
        labels: dict[str, int]
        extra: dict[UUID, Any]
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("labels",))

    class Misnamed(Aggregate.Event):
        full_name: str
        siren: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_ambassador("fullname"), of_sole_trader("full_name", siren="company_siren")
        )

    class Declared(Aggregate.Event):
        tenant: str
        learner_ref: str | None
        on: int
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_learner("learner_ref"), not_personal=("tenant",)
        )


def test_an_undeclared_text_field_is_reported_and_a_number_is_not() -> None:
    assert problems_of(Sample.Undeclared) == [
        "Sample.Undeclared.note carries text but is declared neither personal nor not personal"
    ]


def test_text_in_a_collection_a_mapping_or_a_nested_dataclass_is_text() -> None:
    reported = problems_of(Sample.Nested)

    assert [line.split(" ")[0] for line in reported] == [
        "Sample.Nested.contacts",
        "Sample.Nested.extra",
        "Sample.Nested.tags",
    ]


def test_a_declaration_naming_no_field_of_the_event_is_reported() -> None:
    assert problems_of(Sample.Misnamed) == [
        "Sample.Misnamed.siren carries text but is declared neither personal nor not personal",
        "Sample.Misnamed declares 'company_siren', which is not one of its fields",
        "Sample.Misnamed declares 'fullname', which is not one of its fields",
    ]


def test_a_complete_declaration_reports_nothing() -> None:
    assert problems_of(Sample.Declared) == []


class Unerasable(Aggregate):
    class Appointed(Aggregate.Event):
        tenant: str
        sectors: list[str]
        seats: int | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_ambassador("sectors", "seats"), not_personal=("tenant",)
        )


def test_a_personal_field_that_cannot_hold_text_is_reported_as_it_could_not_read_effacé() -> None:
    """Every reader of the log reads an erased field as « effacé »: a personal field must be
    able to hold it."""
    assert problems_of(Unerasable.Appointed) == [
        f"Unerasable.Appointed.seats is personal but cannot hold text: once erased it reads "
        f"{ERASED!r}",
        f"Unerasable.Appointed.sectors is personal but cannot hold text: once erased it reads "
        f"{ERASED!r}",
    ]


@pytest.mark.parametrize(
    ("annotation", "text"),
    [
        (str, True),
        (str | None, True),
        (list[str], True),
        (tuple[str, ...], True),
        (dict[str, int], True),
        (list[dict[str, Any]], True),
        (Contact, True),
        (Subject, False),
        (int | None, False),
        (dict[UUID, int], False),
        (bool, False),
    ],
)
def test_which_types_may_carry_text(annotation: Any, text: bool) -> None:
    assert carries_text(annotation) is text


def test_a_field_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice: full_name"):
        personal_data(of_ambassador("full_name"), not_personal=("full_name",))
