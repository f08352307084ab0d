"""Erasure: the record that a person's data was erased (RGPD art. 17), which itself holds none.

Erasing a person destroys the keys their fields were encrypted with (crypto-shredding): every
event about them stays in the log and stays readable, their fields reading « effacé ». What the
erasure keeps is who decided it (the actor, as on every event), when (the event's time), on
which legal ground, which kind of person and an id that names no one: the record's UUID for an
ambassador or a diagnostic's expert, a keyed HMAC of the network and the reference for a
learner. The records whose read-model rows held the person's fields are listed, so that every
network's read models show « effacé » in the same place of the log.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.personal import PersonalData, Subject, personal_data

# The legal ground is free text, declared not personal like every reason (docs/privacy.md).
_NOT_PERSONAL = ("tenant", "subject", "reason")


class Erasure(Aggregate):
    """The erasure of one person, found again by (kind of person, subject id)."""

    class Recorded(Aggregate.Created):
        """A person's keys were destroyed: their fields read « effacé » everywhere. ``tenant``
        is the network that recorded the person, ``reason`` the legal ground, ``records`` the
        records whose rows held their fields, ``keys_destroyed`` how many keys went."""

        tenant: str
        subject: str
        subject_id: str
        reason: str
        records: list[UUID]
        keys_destroyed: int
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            digests=("subject_id",), not_personal=_NOT_PERSONAL
        )

    class Repeated(Aggregate.Event):
        """The same person was erased again, after records about them were made since: the
        keys of those were destroyed too."""

        subject: str
        subject_id: str
        reason: str
        records: list[UUID]
        keys_destroyed: int
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            digests=("subject_id",), not_personal=("subject", "reason")
        )

    @event(Recorded)
    def __init__(
        self,
        tenant: str,
        subject: str,
        subject_id: str,
        reason: str,
        records: list[UUID],
        keys_destroyed: int,
    ) -> None:
        self.tenant = tenant
        self.subject = Subject(subject)
        self.subject_id = subject_id
        self.reasons = [reason]
        self.records = list(records)
        self.keys_destroyed = keys_destroyed

    @event(Repeated)
    def repeat(
        self, subject: str, subject_id: str, reason: str, records: list[UUID], keys_destroyed: int
    ) -> None:
        self.reasons.append(reason)
        self.records = list(dict.fromkeys([*self.records, *records]))
        self.keys_destroyed += keys_destroyed

    @staticmethod
    def create_id(subject: str, subject_id: str, **_: object) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"erasure/{Subject(subject).value}/{subject_id}")
