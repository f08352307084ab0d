"""Enrolment: a learner of the Académie de l'IA in one training, enrolled then completed.

The learner is known by a pseudonymous reference only (the training platform's, never a name
nor an e-mail). For one network, one learner in one training is one record: its id derives from
the network and the pair, so the network's second enrolment of the same learner in the same
training is refused, and a re-imported file adds nothing. The network is part of the id because
a reference is the training platform's, not a person's: another network's learner may carry the
same one, and what one network recorded must neither block nor be revealed to another.

The id is a keyed digest (HMAC-SHA-256, its key in the key store: osezia.domain.shredding), so
that a guessed reference cannot be checked against it. Enrolments recorded before it was keyed
keep their id, a plain uuid5 (``legacy_id``): an enrolment exists when either id is in the log.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import lru_cache
from hashlib import sha1, sha256
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.calendar import PLAN_LAUNCH, check_happened
from osezia.domain.errors import InvalidDate, InvalidTransition, InvalidValue
from osezia.domain.personal import PersonalData, of_learner, personal_data
from osezia.domain.shredding import learner_digest

# An id's 128 bits but its version and variant: both ids below set those themselves.
_VERSION_AND_VARIANT_CLEARED = ((1 << 128) - 1) & ~(0xF000 << 64) & ~(0xC000 << 48)
# A keyed id is a UUID of version 8 (RFC 9562's custom form), of the RFC's variant.
_KEYED_BITS = (0x8000 << 64) | (0x8000 << 48)


def keyed_id(tenant: str, learner_ref: str, training_code: str) -> bytes:
    """The 16 bytes of a new enrolment's id, as a UUID of version 8: SHA-256 of the learner's
    keyed digest (HMAC-SHA-256 of network and reference under the key store's digest key, the
    key store's id of the learner) and the training's code. Without the key, a guessed
    reference cannot be checked against it."""
    learner = learner_digest(tenant, learner_ref)
    digest = sha256(learner + training_code.encode(), usedforsecurity=True).digest()
    return (int.from_bytes(digest[:16]) & _VERSION_AND_VARIANT_CLEARED | _KEYED_BITS).to_bytes(16)


class Audience(StrEnum):
    EMPLOYEE = "EMPLOYEE"
    LEADER = "LEADER"
    APPRENTICE = "APPRENTICE"
    JOB_SEEKER = "JOB_SEEKER"


class EnrolmentStatus(StrEnum):
    ENROLLED = "ENROLLED"
    COMPLETED = "COMPLETED"


# The id enrolments were given before it was keyed: uuid5(OSEZIA_NAMESPACE,
# "training/<tenant>/<learner>/<training>"), as bytes: SHA-1 of the namespace's bytes and the
# name, its first 16 bytes with the version (5) and the variant (RFC 4122) set as uuid5 sets them.
_LEGACY_PREFIX = OSEZIA_NAMESPACE.bytes + b"training/"
_LEGACY_BITS = (0x5000 << 64) | (0x8000 << 48)


@lru_cache(maxsize=256)
def _legacy_prefix(tenant: str) -> bytes:
    return _LEGACY_PREFIX + tenant.encode() + b"/"


def legacy_enrolment_key(tenant: str, learner_ref: str, training_code: str) -> bytes:
    """The 16 bytes of the id an enrolment was given before ids were keyed (its uuid5),
    computed with the namespace's bytes taken once: an import derives one a row."""
    name = _legacy_prefix(tenant) + f"{learner_ref}/{training_code}".encode()
    digest = sha1(name, usedforsecurity=False).digest()
    return (int.from_bytes(digest[:16]) & _VERSION_AND_VARIANT_CLEARED | _LEGACY_BITS).to_bytes(16)


# The plan's own words for its audiences, as training platforms export them.
FRENCH_AUDIENCES: dict[str, Audience] = {
    "salarie": Audience.EMPLOYEE,
    "salarié": Audience.EMPLOYEE,
    "dirigeant": Audience.LEADER,
    "apprenti": Audience.APPRENTICE,
    "demandeur d'emploi": Audience.JOB_SEEKER,
    "demandeur_emploi": Audience.JOB_SEEKER,
}

# A reference from the training platform: letters, digits and a few separators, with at least
# one digit. Spaces and "@" are refused, so that a name or an e-mail never becomes a reference.
_LEARNER_REF = re.compile(r"(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_TRAINING_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")


def audience_of(value: str) -> Audience:
    """The audience named in English (EMPLOYEE) or in French (salarié), any case."""
    name = " ".join(value.split())
    try:
        return Audience(name.upper())
    except ValueError:
        pass
    french = FRENCH_AUDIENCES.get(name.lower())
    if french is None:
        raise InvalidValue(
            f"audience {value!r} must be one of {', '.join(Audience)} "
            f"(or in French: {', '.join(sorted(FRENCH_AUDIENCES))})"
        )
    return french


def learner_ref_of(value: str) -> str:
    """The pseudonymous reference, or an error when it could be a name or an e-mail."""
    ref = value.strip()
    if not _LEARNER_REF.fullmatch(ref):
        raise InvalidValue(
            f"learner reference {value!r} must be a pseudonymous code: 1 to 64 letters, digits, "
            "'.', '_', ':' or '-', with at least one digit (no name, no e-mail)"
        )
    return ref


def training_code_of(value: str) -> str:
    code = value.strip()
    if not _TRAINING_CODE.fullmatch(code):
        raise InvalidValue(
            f"training code {value!r} must be 1 to 64 letters, digits, '.', '_', ':', '/' or '-'"
        )
    return code


class Enrolment(Aggregate):
    """A learner's enrolment in a training, recorded by a network (the tenant)."""

    TOPIC = "osezia.domain.academie.model:Enrolment"

    class Created(Aggregate.Created):
        """Never recorded; eventsourcing wants a topic on it once the aggregate has one."""

        TOPIC = "osezia.domain.academie.model:Enrolment.Created"

    class Enrolled(Aggregate.Created):
        """A network enrolled a learner, known by a pseudonymous reference, in a training."""

        TOPIC = "osezia.domain.academie.model:Enrolment.Enrolled"

        tenant: str
        learner_ref: str
        training_code: str
        training_title: str
        audience: str
        region: str
        company_id: UUID | None
        company_siren: str | None
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_learner("learner_ref"),
            not_personal=(
                "tenant",
                "training_code",
                "training_title",
                "audience",
                "region",
                "company_siren",
            ),
        )

    class Completed(Aggregate.Event):
        """The learner completed the training."""

        TOPIC = "osezia.domain.academie.model:Enrolment.Completed"

        on: date

    @staticmethod
    def create_id(tenant: str, learner_ref: str, training_code: str) -> UUID:
        """The id of a new enrolment: ``keyed_id``'s."""
        return UUID(bytes=keyed_id(tenant, learner_ref, training_code))

    @staticmethod
    def legacy_id(tenant: str, learner_ref: str, training_code: str) -> UUID:
        """The id enrolments were given before it was keyed: ``legacy_enrolment_key``'s."""
        return UUID(bytes=legacy_enrolment_key(tenant, learner_ref, training_code))

    @event(Enrolled)
    def __init__(
        self,
        tenant: str,
        learner_ref: str,
        training_code: str,
        training_title: str,
        audience: str,
        region: str,
        company_id: UUID | None,
        company_siren: str | None,
        on: date,
    ) -> None:
        self.tenant = tenant
        self.learner_ref = learner_ref
        self.training_code = training_code
        self.training_title = training_title
        self.audience = Audience(audience)
        self.region = region
        self.company_id = company_id
        self.company_siren = company_siren
        self.enrolled_on = on
        self.status = EnrolmentStatus.ENROLLED
        self.completed_on: date | None = None

    def complete(self, on: date, today: date) -> None:
        self.check_not_completed()
        self.check_completion_date(on, today)
        self._complete(on)

    @event(Completed)
    def _complete(self, on: date) -> None:
        self.status = EnrolmentStatus.COMPLETED
        self.completed_on = on

    def check_not_completed(self) -> None:
        if self.status is EnrolmentStatus.COMPLETED:
            raise InvalidTransition(
                f"training {self.training_code} was already completed on {self.completed_on}"
            )

    def check_completion_date(self, on: date, today: date) -> None:
        check_completion(self.enrolled_on, on, today)


def check_enrolment_date(on: date, today: date) -> None:
    check_happened(on, "an enrolment", today=today, since=PLAN_LAUNCH)


def check_completion(enrolled_on: date, on: date, today: date) -> None:
    """A completion is dated on or after the enrolment, and not after today."""
    if on < enrolled_on:
        raise InvalidDate(f"completion dated {on} is before the enrolment ({enrolled_on})")
    if on > today:
        raise InvalidDate(f"completion dated {on} is in the future (today is {today})")
