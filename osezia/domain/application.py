"""What every write application of osezia shares: idempotent commands, conflicts reported as
errors, facts dated, aggregates loaded for a tenant. The store under them (one event log, group
commit, dates transcoded) is osezia.store.application."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import ClassVar, Protocol, TypeVar, cast
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.utils import EnvType

from osezia.domain.actors import ActorMapper
from osezia.domain.calendar import PLAN_LAUNCH, Since, check_happened, today_in_france
from osezia.domain.errors import Conflict, DomainError, IdempotencyKeyReused, NotFound
from osezia.domain.personal import PersonalData, Subject, personal_data
from osezia.domain.shredding import (
    PersonalDataMapper,
    destroy_old_generations,
    keyed_digest,
    new_generation,
)
from osezia.store.application import SharedLogApplication

# Every id osezia derives from a natural key lives under this namespace.
OSEZIA_NAMESPACE = uuid5(NAMESPACE_URL, "https://osezia.fr/ids")

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R", bound=UUID | None)


class Networks(Protocol):
    """The partner networks as the write side needs them, handed to it by the composition root
    (the domain imports no tenant code): ``osezia.tenants.networks``."""

    def sees(
        self, tenant: str, kind: str, owner: str, region: str | None, parties: Collection[str]
    ) -> bool:
        """Whether ``tenant`` may name this record in a command (visibility's one rule)."""
        ...

    def is_live(self, app: PlatformApplication, slug: str) -> bool:
        """Whether ``slug`` is a registered network that is neither suspended nor gone."""
        ...

    def pilot(self, kind: str) -> str:
        """The network that pilots every record of ``kind`` (a record kind, as ``"loan"``) for
        the State: it acts on each, whichever network owns it, and takes the decisions its
        rules keep for the pilot. The piloting network's profile says what it pilots."""
        ...


class CommandReceipt(Aggregate):
    """The first outcome of an idempotent command, found again by (tenant, key)."""

    class Recorded(Aggregate.Created):
        """A command's first outcome was kept under the caller's idempotency key."""

        tenant: str
        key: str
        command: str
        # A keyed digest of the command's arguments, which may name a person ("k1:" and
        # HMAC-SHA-256's hex); receipts recorded before keys existed hold a plain SHA-256.
        fingerprint: str
        result: UUID | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            digests=("fingerprint",), not_personal=("tenant", "key", "command")
        )

    @event(Recorded)
    def __init__(
        self, tenant: str, key: str, command: str, fingerprint: str, result: UUID | None
    ) -> None:
        self.tenant = tenant
        self.key = key
        self.command = command
        self.fingerprint = fingerprint
        self.result = result

    @staticmethod
    def create_id(tenant: str, key: str) -> UUID:
        return uuid5(OSEZIA_NAMESPACE, f"idempotency/{tenant}/{key}")


KEYED = "k1:"


def _canonical(command: str, arguments: Sequence[object]) -> str:
    return json.dumps([command, [str(a) for a in arguments]], ensure_ascii=False)


def fingerprint(command: str, arguments: Sequence[object]) -> str:
    """The arguments' digest a receipt keeps: keyed (the key store's secret), so that a guessed
    name cannot be checked against it."""
    return KEYED + keyed_digest("receipt", _canonical(command, arguments)).hex()


def same_arguments(
    recorded: str, command: str, arguments: Sequence[object], *, keyed: str | None = None
) -> bool:
    """Whether a receipt's fingerprint is of these arguments: keyed (``keyed``, their
    ``fingerprint`` if computed already), or a plain SHA-256 for a receipt recorded before the
    keyed digest (its command, sent again, is still recognised)."""
    if recorded.startswith(KEYED):
        return recorded == (keyed or fingerprint(command, arguments))
    return recorded == hashlib.sha256(_canonical(command, arguments).encode()).hexdigest()


class PlatformApplication(SharedLogApplication):
    """Base of the write applications: one verb-phrase method per command."""

    mapper: ActorMapper  # construct_mapper's: a PersonalDataMapper, or plain in benchmarks

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        networks: Networks | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self._networks: Networks | None = networks or (share_with._networks if share_with else None)
        # The date facts may not be after: the date in France (tests fix it).
        self.today: Callable[[], date] = today or (
            share_with.today if share_with else today_in_france
        )
        super().__init__(env, share_with=share_with)

    def happened(self, on: date, what: str, since: Since = PLAN_LAUNCH) -> date:
        """``on``, once checked as the date of a fact that happened (calendar.check_happened)."""
        check_happened(on, what, today=self.today(), since=since)
        return on

    @property
    def networks(self) -> Networks:
        if self._networks is None:
            raise TypeError("this application acts on companies: build it with networks=")
        return self._networks

    def pilot(self, kind: str, named: str | None = None) -> str:
        """The network that pilots records of ``kind``: the one an area's rules name, if they
        name one, else the one the tenants' profiles say (Networks.pilot)."""
        return named if named is not None else self.networks.pilot(kind)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        self.mapper.prepare(processing_event.events)
        return super()._record(processing_event)

    def construct_mapper(self) -> ActorMapper:
        # Every event records who decided it: see osezia.domain.actors.
        # and encrypts what is personal: see osezia.domain.shredding.
        mapper = self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=PersonalDataMapper
        )
        return cast(ActorMapper, mapper)

    def load(
        self,
        tenant: str,
        aggregate_id: UUID,
        kind: type[A],
        label: str,
        *,
        pilots: Collection[str] = (),
    ) -> A:
        """The aggregate, if it exists, is a ``kind`` and belongs to ``tenant`` (or ``tenant``
        pilots every aggregate of that kind, as Bpifrance does diagnostics)."""
        try:
            aggregate = self.replayed(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"no {label} with id {aggregate_id}") from None
        # A foreign tenant's id is reported as not found, not forbidden, so ids can't be probed.
        owner = getattr(aggregate, "tenant", None)
        if not isinstance(aggregate, kind) or (owner != tenant and tenant not in pilots):
            raise NotFound(f"no {label} with id {aggregate_id}")
        return aggregate

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        try:
            aggregate = self.replayed(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def rectify(
        self,
        tenant: str,
        command: str,
        subject: Subject,
        corrected: Aggregate,
        *,
        subject_id: str | None = None,
    ) -> None:
        """Save a record whose personal field a command corrected (RGPD art. 16): the new value
        is sealed under a new generation of the person's key (theirs is the record's, unless
        ``subject_id`` names them otherwise: a sole trader's SIREN), and once it is recorded
        the generations before it are destroyed, so that what they sealed reads « effacé ».
        Load and correct first: a refusal then leaves the keys as they were. No idempotency
        key: a replayed correction must not destroy the generation its value was sealed under."""
        person = (subject, subject_id or str(corrected.id))
        generation = new_generation(*person)  # the event is sealed when saved, under it or later
        self.execute(tenant, None, command, (corrected.id,), lambda: (None, [corrected]))
        destroy_old_generations(*person, below=generation)

    def execute(
        self,
        tenant: str,
        idempotency_key: str | None,
        command: str,
        arguments: Sequence[object],
        run: Callable[[], tuple[R, Sequence[Aggregate]]],
    ) -> R:
        """Run a command and save what it changed in one transaction.

        With an idempotency key, the command's first outcome is saved with it (same
        transaction), and the same command sent again with the same key returns that
        outcome and appends nothing.
        """
        self.forget_last_position()
        if idempotency_key is None:
            result, changed = run()
            self._save_or_conflict(changed)
            return result
        print_ = fingerprint(command, arguments)  # once: a keyed digest is a key store's trip
        receipt_id = CommandReceipt.create_id(tenant, idempotency_key)
        earlier = self._earlier_result(receipt_id, command, arguments, print_, idempotency_key)
        if earlier is not None:
            return cast(R, earlier[0])
        try:
            result, changed = run()
        except DomainError:
            # A concurrent twin with the same key may have committed between our look at the
            # receipt and our load: the refusal is then of its outcome, which is ours.
            earlier = self._earlier_result(receipt_id, command, arguments, print_, idempotency_key)
            if earlier is not None:
                return cast(R, earlier[0])
            raise
        receipt = CommandReceipt(tenant, idempotency_key, command, print_, result)
        try:
            self.save(*changed, receipt)
        except IntegrityError:
            # A concurrent twin with the same key may have won: then its outcome is ours.
            earlier = self._earlier_result(receipt_id, command, arguments, print_, idempotency_key)
            if earlier is not None:
                return cast(R, earlier[0])
            raise self._conflict() from None
        return result

    def _earlier_result(
        self,
        receipt_id: UUID,
        command: str,
        arguments: Sequence[object],
        print_: str,
        key: str,
    ) -> tuple[UUID | None] | None:
        receipt = self.find(receipt_id, CommandReceipt)
        if receipt is None:
            return None
        if receipt.command != command or not same_arguments(
            receipt.fingerprint, command, arguments, keyed=print_
        ):
            raise IdempotencyKeyReused(
                f"idempotency key {key!r} was already used for another command "
                f"({receipt.command}) or other arguments; use a new key"
            )
        return (receipt.result,)

    def _save_or_conflict(self, changed: Sequence[Aggregate]) -> None:
        try:
            self.save(*changed)
        except IntegrityError:
            raise self._conflict() from None

    @staticmethod
    def _conflict() -> Conflict:
        return Conflict(
            "the record was changed by someone else at the same time; reload it and try again"
        )
