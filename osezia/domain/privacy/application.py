"""The rights of the people osezia records: access (an export of everything about them) and
erasure (their keys destroyed), for the network that recorded them or the plan's operator.

A person is named by the id of a record about them: an ambassador's id, a diagnostic's (for its
expert), an enrolment's (for its learner, whose every enrolment with that network is theirs), a
company's (for a sole trader, catégorie juridique 1000: the person its SIREN names). A network
names only the people it recorded; anyone else's answers NOT_FOUND, as an id that does not
exist, and nothing is appended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.application import PlatformApplication
from osezia.domain.calls.submissions import CallApplication
from osezia.domain.commands import Command
from osezia.domain.companies.legal import ENTREPRENEUR_INDIVIDUEL
from osezia.domain.companies.model import Company
from osezia.domain.decisions import Decision, decisions_of
from osezia.domain.diagnostics.model import Diagnostic
from osezia.domain.errors import DomainError, InvalidValue, NotFound
from osezia.domain.inputs import text
from osezia.domain.loans.model import Loan
from osezia.domain.partnerships.model import Partnership
from osezia.domain.personal import ERASED, Subject, declaration_of
from osezia.domain.privacy.model import Erasure
from osezia.domain.shredding import erase_subject, subject_ids_of
from osezia.domain.solutions.model import Adoption, Solution, SolutionProvider
from osezia.domain.trainings.model import Enrolment
from osezia.store.keys import keyring
from osezia.store.personal_cipher import Sealed, additional_data, open_field, preload

_SCAN = 1000  # events read from the log at a time, looking for a person's other records


class NotAPerson(DomainError):
    code = "NOT_A_PERSON"


class LegalCategoryUnknown(DomainError):
    code = "LEGAL_CATEGORY_UNKNOWN"


# The records about one company alone that copy its name, by the event that names it: a sole
# trader's records. (A cohort's or an event's record names several companies: not theirs.)
_ABOUT_A_COMPANY: tuple[type, ...] = (
    Diagnostic.Requested,
    Loan.Applied,
    Partnership.Proposed,
    CallApplication.Submitted,
    Adoption.Recorded,
    SolutionProvider.Listed,
    Solution.Listed,
)


@dataclass(frozen=True)
class Person:
    """A person osezia holds data about, as one record names them."""

    subject: Subject
    subject_id: str  # the key store's id of the person: names no one
    network: str  # the network that recorded them, their controller
    records: tuple[UUID, ...]  # the records that hold their fields, the named one first
    erased: bool  # their fields read « effacé » already


class Privacy(PlatformApplication):
    """Exports and erases people. ``everyone``: the caller is the plan's operator, who may act
    on every network's people."""

    def person(self, tenant: str, record_id: UUID, *, everyone: bool = False) -> Person:
        """The person the record is about, if ``tenant`` may name them; NOT_FOUND otherwise."""
        missing = NotFound(f"no person with id {record_id}")
        record = self.find(record_id, Aggregate)
        event_class: type
        if isinstance(record, Ambassador):
            subject, network = Subject.AMBASSADOR, record.tenant
            state: dict[str, Any] = {"originator_id": record_id, "full_name": record.full_name}
            erased, event_class = record.full_name == ERASED, Ambassador.Appointed
        elif isinstance(record, Diagnostic) and record.expert is not None:
            subject, network = Subject.EXPERT, record.tenant
            state = {"originator_id": record_id, "expert": record.expert}
            erased, event_class = record.expert == ERASED, Diagnostic.ExpertAssigned
        elif isinstance(record, Enrolment):
            subject, network = Subject.LEARNER, record.tenant
            state = {"tenant": record.tenant, "learner_ref": record.learner_ref}
            erased, event_class = record.learner_ref == ERASED, Enrolment.Enrolled
        elif isinstance(record, Company):
            # Each follower recorded the sole trader; the operator answers for the registrant's.
            network = tenant if tenant in record.records else record.tenant
            if not everyone and network != tenant:
                raise missing
            _check_sole_trader(record)
            subject, state = Subject.SOLE_TRADER, {"siren": record.siren}
            erased, event_class = record.legal_name == ERASED, Company.Registered
        else:
            raise missing
        # Another network's person is reported as not found, not forbidden: ids can't be probed.
        if not everyone and network != tenant:
            raise missing
        if erased and subject is Subject.LEARNER:
            # Their reference is gone, and with it the way to their key and other enrolments.
            return Person(subject, "", network, (record_id,), erased=True)
        (subject_id,) = [i for s, i in subject_ids_of(event_class, state) if s is subject]
        if erased:
            return Person(subject, subject_id, network, (record_id,), erased=True)
        records: tuple[UUID, ...] = (record_id,)
        if subject is Subject.LEARNER:
            others = self._records_naming(_LEARNER_FIELDS, state["learner_ref"], tenant=network)
            records += tuple(r for r in others if r != record_id)
        elif subject is Subject.SOLE_TRADER:
            records += tuple(self._records_naming(_SIREN_FIELDS, state["siren"]))
        return Person(subject, subject_id, network, records, erased=False)

    def export_person(
        self, tenant: str, record_id: UUID, *, everyone: bool = False
    ) -> dict[str, Any]:
        """Everything the log holds about the person (RGPD art. 15): each record's events with
        every field, decrypted, who decided each and through which network; their erasure, if
        any. Plain JSON values. An ambassador's record and a learner's enrolments are about
        them; a diagnostic is about its company, and only names its expert: the expert gets the
        events that name them, with their own fields only."""
        person = self.person(tenant, record_id, everyone=everyone)
        erasure = (
            self.find(Erasure.create_id(person.subject, person.subject_id), Erasure)
            if person.subject_id
            else None
        )
        return {
            "id": str(record_id),
            "subject": person.subject.value,
            "network": person.network,
            "erased": person.erased,
            "records": [
                {"id": str(r), "events": [_exported(d) for d in decisions]}
                for r, decisions in self._held(person, tenant, everyone)
            ],
            "erasure": None
            if erasure is None
            else [_exported(d) for d in decisions_of(self, erasure.id)],
        }

    def erase_person(
        self, tenant: str, record_id: UUID, *, reason: str, everyone: bool = False
    ) -> UUID | None:
        """Destroy the person's keys and record the erasure (RGPD art. 17): their fields read
        « effacé » in every event, read model and export from then on. Idempotent: a person
        already erased is left as is and nothing is appended. Answers the erasure's id, or None
        when there was nothing left to erase."""

        shred: list[Person] = []  # whose keys go once the erasure is saved

        def run() -> tuple[UUID | None, list[Aggregate]]:
            ground = _legal_ground(reason)
            person = self.person(tenant, record_id, everyone=everyone)
            if person.erased and not person.subject_id:
                return None, []  # a learner erased: who they were is not known anymore
            erasure_id = Erasure.create_id(person.subject, person.subject_id)
            erasure = self.find(erasure_id, Erasure)
            if person.erased:
                if erasure is not None:
                    return None, []
                # Their keys went, but the erasure was not recorded (its save failed after):
                # record it now, so that the read models are scrubbed as well.
                keys = 0
            else:
                keys = len(keyring().generations((person.subject.value, person.subject_id)))
            if erasure is None:
                erasure = Erasure(
                    tenant=person.network,
                    subject=person.subject.value,
                    subject_id=person.subject_id,
                    reason=ground,
                    records=list(person.records),
                    keys_destroyed=keys,
                )
            elif keys:
                erasure.repeat(
                    person.subject.value, person.subject_id, ground, list(person.records), keys
                )
            else:
                return erasure.id, []
            if not person.erased:
                shred.append(person)
            return erasure.id, [erasure]

        # No idempotency key: erasing is idempotent by itself, and its receipt would be one more
        # record to keep. The erasure is recorded first, and the keys destroyed after: a failure
        # in between leaves the person readable and the erasure to be repeated, never keys gone
        # without the erasure that scrubs the read models.
        result = self.execute(tenant, None, Command.ERASE_PERSON, (record_id,), run)
        for person in shred:
            erase_subject(person.subject, person.subject_id)
        return result

    def _held(
        self, person: Person, tenant: str, everyone: bool
    ) -> list[tuple[UUID, list[Decision]]]:
        """Each record about the person with its decisions that the caller answers for: a sole
        trader's company and the records that copy its name may be several networks', and each
        network exports what it recorded itself (the operator, everything)."""
        held = [(r, _about(person, r, self)) for r in person.records]
        if everyone or person.subject is not Subject.SOLE_TRADER:
            return held
        (company, of_company), others = held[0], held[1:]
        first = of_company[0].details.get("tenant") if of_company else None
        own = [d for d in of_company if _belongs(d, tenant, first)]
        return [(company, own)] + [
            (r, ds) for r, ds in others if ds and ds[0].details.get("tenant") == tenant
        ]

    def _records_naming(
        self, fields: Mapping[str, str], value: str, *, tenant: str | None = None
    ) -> list[UUID]:
        """The records whose event (of a topic of ``fields``) holds ``value`` in the field that
        names the person (``fields[topic]``), and, given a ``tenant``, that the network
        recorded; read from the log, which has no index by SIREN or learner. The events are
        compared on their stored state: the network and a SIREN are in clear, so another
        network's events are left before anything is decrypted, and a learner's encrypted
        reference is opened with the batch's keys loaded in one trip to the key store."""
        ring, mapper = keyring(), self.mapper
        found: list[UUID] = []
        start = 1
        while True:
            batch = self.recorder.select_notifications(start, _SCAN, topics=list(fields))
            states = [(stored, mapper.decoded_state(stored.state)) for stored in batch]
            if tenant is not None:
                states = [(e, state) for e, state in states if state.get("tenant") == tenant]
            sealed = [e for e, state in states if isinstance(state.get(fields[e.topic]), Sealed)]
            preload((e.state for e in sealed), ring)
            for stored, state in states:
                field = fields[stored.topic]
                held = state.get(field)
                if isinstance(held, Sealed):
                    where = additional_data(stored.originator_id, stored.originator_version, field)
                    held = open_field(held.data, where, ring, mapper.transcoder.decode)
                if held == value:
                    found.append(UUID(str(stored.originator_id)))
            if len(batch) < _SCAN:
                return list(dict.fromkeys(found))
            start = batch[-1].id + 1


# A company's events that record a public SIRENE fact: every follower's record takes them, and
# they name no network (without this, they would read as the first follower's alone).
_PUBLIC_FACTS = frozenset(
    event_class.__qualname__
    for event_class in (Company.LegalCategoryRecorded, Company.LegalNameCorrected)
)


def _belongs(decision: Decision, tenant: str, first_follower: object) -> bool:
    """Whether a company's event is the network's: its follower's (an older event names none:
    the first follower's), a referral's either end's; a public fact is every network's."""
    details = decision.details
    if decision.event in _PUBLIC_FACTS:
        return True
    if "from_tenant" in details:
        return tenant in (details["from_tenant"], details["to_tenant"])
    return bool((details.get("tenant") or first_follower) == tenant)


def _naming_fields(subject: Subject, event_classes: Sequence[type]) -> dict[str, str]:
    """By the topic of each event class, its field that names the person (a SIREN, a
    learner's reference), as its declaration says: their key is found by it."""
    fields: dict[str, str] = {}
    for event_class in event_classes:
        (fields[get_topic(event_class)],) = [
            about.identified_by[-1]
            for about in declaration_of(event_class).about
            if about.subject is subject
        ]
    return fields


# The event that names a learner, and the records about a company alone that copy its name.
_LEARNER_FIELDS = _naming_fields(Subject.LEARNER, (Enrolment.Enrolled,))
_SIREN_FIELDS = _naming_fields(Subject.SOLE_TRADER, _ABOUT_A_COMPANY)


def _check_sole_trader(company: Company) -> None:
    """A company's record names a person only when it is an entrepreneur individuel."""
    if company.legal_category is None:
        raise LegalCategoryUnknown(
            f"the catégorie juridique of company {company.siren} is not recorded: record it "
            "(recordLegalCategory) first; only an entrepreneur individuel (1000) is a person"
        )
    if company.legal_category != ENTREPRENEUR_INDIVIDUEL:
        raise NotAPerson(
            f"company {company.siren} is a personne morale (catégorie juridique "
            f"{company.legal_category}): its name is no person's, there is nobody to export or "
            "erase"
        )


# The fields of a record that only names the person (the rest of it is someone else's).
_NAMING: dict[Subject, frozenset[str]] = {
    Subject.EXPERT: frozenset(
        field
        for about in declaration_of(Diagnostic.ExpertAssigned).about
        if about.subject is Subject.EXPERT
        for field in about.fields
    )
}


def _about(person: Person, record_id: UUID, app: PlatformApplication) -> list[Decision]:
    """The record's decisions, as far as they are about the person."""
    decisions = decisions_of(app, record_id)
    fields = _NAMING.get(person.subject)
    if fields is None:
        return decisions
    return [
        replace(d, details={k: v for k, v in d.details.items() if k in fields})
        for d in decisions
        if fields & d.details.keys()
    ]


def _legal_ground(reason: str) -> str:
    ground = text(reason, "legal ground")
    if len(ground) > 500:
        raise InvalidValue("the legal ground must be at most 500 characters")
    return ground


def _exported(decision: Decision) -> dict[str, Any]:
    actor = decision.actor
    return {
        "version": decision.version,
        "recorded_at": decision.recorded_at.isoformat(),
        "event": decision.event,
        "network": decision.via,
        "actor": actor.id if actor else None,
        "actor_kind": actor.kind if actor else None,
        "fields": {k: _plain(v) for k, v in decision.details.items()},
    }


def _plain(value: Any) -> Any:
    """A JSON value: dates and datetimes as ISO strings, ids and decimals as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
