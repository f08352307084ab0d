"""Which fields of an event are about a natural person, declared once, next to the event class.

Every event class that carries text declares what each text field holds, as a class variable::

    class Appointed(Aggregate.Created):
        tenant: str
        full_name: str
        ...
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_ambassador("full_name"),
            not_personal=("tenant", "kind", ...),
        )

A field is personal data about one person (``About``: which kind of person, and the event
fields that tell which one), a digest of arguments that may include personal data, or not
personal. The event log never forgets, so what is personal has to be known before an event is
written: each personal field is encrypted under a key of its person's, and erasing the person
destroys the key (crypto-shredding: osezia.domain.shredding), after which the field reads
``ERASED``. A test walks every event of the domain and fails when a text field is declared
nowhere, or a declaration names a field the event does not have.

Declaring changes nothing stored: ``PERSONAL_DATA`` is a class variable, not an event field.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from osezia.store.personal_cipher import ERASED

__all__ = [
    "BOOKKEEPING",
    "ERASED",
    "NOTHING_DECLARED",
    "About",
    "PersonalData",
    "Subject",
    "carries_text",
    "declaration_of",
    "of_ambassador",
    "of_expert",
    "of_learner",
    "of_sole_trader",
    "personal_data",
    "problems_of",
]


class Subject(StrEnum):
    """The kinds of natural person the events speak of."""

    # An ambassador, by name: the Ambassador record is the person.
    AMBASSADOR = "AMBASSADOR"
    # The expert named on a diagnostic, in free text: a person or an organisation.
    EXPERT = "EXPERT"
    # A learner of the Académie de l'IA, by the training platform's pseudonymous reference.
    LEARNER = "LEARNER"
    # A company's legal name is a person's when the company is an entrepreneur individuel
    # (catégorie juridique 1000). Every field that holds a company's name is declared so; which
    # companies are sole traders cannot be told yet: osezia does not record the category.
    SOLE_TRADER = "SOLE_TRADER"


# Fields every event has, set by the library: ids, versions, times and topics name no one.
BOOKKEEPING = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})


@dataclass(frozen=True)
class About:
    """Fields of an event about one person, and the event's fields that tell which person
    (the values a key of that person is found by)."""

    subject: Subject
    fields: frozenset[str]
    identified_by: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.fields:
            raise ValueError(f"a declaration about a {self.subject} names no field")
        if not self.identified_by:
            raise ValueError(f"{sorted(self.fields)}: say which fields identify the person")


@dataclass(frozen=True)
class PersonalData:
    """What an event's fields hold: personal data about someone, digests of arguments that
    may include it (unreadable, but found again by guessing their input unless keyed), or
    neither."""

    about: tuple[About, ...] = ()
    digests: frozenset[str] = frozenset()
    not_personal: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        named = [f for a in self.about for f in a.fields] + [*self.digests, *self.not_personal]
        twice = sorted({f for f in named if named.count(f) > 1})
        if twice:
            raise ValueError(f"fields declared twice: {', '.join(twice)}")

    @property
    def personal(self) -> frozenset[str]:
        return frozenset(f for a in self.about for f in a.fields)

    @property
    def declared(self) -> frozenset[str]:
        """Every field the declaration classifies."""
        return self.personal | self.digests | self.not_personal

    @property
    def named(self) -> frozenset[str]:
        """Every field the declaration names, the identifying ones included."""
        return self.declared | {f for a in self.about for f in a.identified_by}


NOTHING_DECLARED = PersonalData()


def personal_data(
    *about: About, digests: Iterable[str] = (), not_personal: Iterable[str] = ()
) -> PersonalData:
    return PersonalData(tuple(about), frozenset(digests), frozenset(not_personal))


def of_ambassador(*fields: str) -> About:
    """Fields about the ambassador whose record the event belongs to."""
    return About(Subject.AMBASSADOR, frozenset(fields), ("originator_id",))


def of_expert(*fields: str) -> About:
    """Fields naming the expert of the diagnostic the event belongs to. The expert has no
    record of their own: the diagnostic tells them apart."""
    return About(Subject.EXPERT, frozenset(fields), ("originator_id",))


def of_learner(*fields: str, tenant: str = "tenant", ref: str = "learner_ref") -> About:
    """Fields about a learner, known to one network by one reference: one learner may have
    several enrolments, and another network's learner may carry the same reference."""
    return About(Subject.LEARNER, frozenset(fields), (tenant, ref))


def of_sole_trader(*fields: str, siren: str) -> About:
    """Fields about a company that are a person's when it is an entrepreneur individuel, the
    company told by the event's SIREN field (a public register's key, not itself erased)."""
    return About(Subject.SOLE_TRADER, frozenset(fields), (siren,))


def declaration_of(event_class: type) -> PersonalData:
    """The event class's declaration, inherited ones included; nothing for an undeclared one."""
    declared = getattr(event_class, "PERSONAL_DATA", NOTHING_DECLARED)
    if not isinstance(declared, PersonalData):
        raise TypeError(f"{event_class.__qualname__}.PERSONAL_DATA is not a PersonalData")
    return declared


def problems_of(event_class: type) -> list[str]:
    """What is wrong with the event class's declaration: a field that may carry text declared
    neither personal nor not, a name that is no field of the event. Empty when it is right."""
    declaration = declaration_of(event_class)
    hints = typing.get_type_hints(event_class)
    fields = {f.name for f in dataclasses.fields(event_class)} - BOOKKEEPING
    name = event_class.__qualname__
    undeclared = [
        f"{name}.{field} carries text but is declared neither personal nor not personal"
        for field in sorted(fields - declaration.declared)
        if carries_text(hints[field])
    ]
    unknown = [
        f"{name} declares {field!r}, which is not one of its fields"
        for field in sorted(declaration.named - fields - BOOKKEEPING)
    ]
    # Every erased field reads ERASED, wherever it is read (osezia.store.personal_cipher).
    not_text = [
        f"{name}.{field} is personal but cannot hold text: once erased it reads {ERASED!r}"
        for field in sorted(declaration.personal & fields)
        if not holds_text(hints[field])
    ]
    return undeclared + unknown + not_text


def holds_text(annotation: Any) -> bool:
    """Whether a str is a value of this type: str itself, a union with it, Any or object."""
    if annotation in (str, Any, object):
        return True
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return union and any(holds_text(a) for a in typing.get_args(annotation))


def carries_text(annotation: Any) -> bool:
    """Whether a value of this type may hold text: a str, a collection or a dataclass with
    one (a mapping's keys included), or a type that says nothing (Any, object). An enum holds
    only the values the code defines, never what someone typed."""
    if annotation is Any or annotation is object or annotation in (str, bytes):
        return True
    if isinstance(annotation, type):
        if issubclass(annotation, Enum):
            return False
        if dataclasses.is_dataclass(annotation):
            hints = typing.get_type_hints(annotation)
            return any(carries_text(hints[f.name]) for f in dataclasses.fields(annotation))
        return issubclass(annotation, str | bytes)
    if isinstance(annotation, typing.TypeVar):
        return annotation.__bound__ is None or carries_text(annotation.__bound__)
    arguments = typing.get_args(annotation)
    if typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
        return any(carries_text(a) for a in arguments if a is not Ellipsis)
    return False
