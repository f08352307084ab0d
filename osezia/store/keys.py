"""The key store: a 256-bit AES-GCM key per person and generation, in a database of its own.

Personal fields are encrypted in the log under their person's key (osezia.store.personal_cipher);
erasing a person deletes their keys, and every field they encrypted reads « effacé » from then
on, wherever the log is read or restored. The keys live apart from the events (their own
database, ``OSEZIA_KEYS_URL``: osezia.store.keys_setup), so that a backup of the log holds none.

A key is found by its ``kid`` (what an encrypted field names, never reused) or by its person:
``(subject, subject_id)``, the kind of person and who, whose newest generation encrypts new
fields. The same store keeps the secret of the keyed digests (HMAC-SHA-256) that ids and
fingerprints derived from personal data use, so that they cannot be reversed by guessing.

``Keyring`` caches keys in the process (bounded, ``CACHE_SECONDS`` at most): an erasure in this
process drops them at once; another process stops using an erased key within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from osezia.store.key_stores import (
    KEY_BYTES,
    KeyStore,
    KeyStoreError,
    MemoryKeys,
    Person,
    PersonErased,
    PostgresKeys,
)

__all__ = [
    "CACHE_SECONDS",
    "DIGEST_KEY",
    "KEY_BYTES",
    "KeyStore",
    "KeyStoreError",
    "Keyring",
    "MemoryKeys",
    "Person",
    "PersonErased",
    "PostgresKeys",
    "SealingKey",
    "keyring",
    "use_keyring",
    "using_keyring",
]

CACHE_SECONDS = 60.0  # how long a process may use a key another process destroyed
CACHE_SIZE = 200_000  # keys kept in memory, at most, of each kind (opening, sealing)
# Digests kept in memory, at most, with the text they digest (a learner's network and reference):
# a file's learners, each coming back for each of their trainings.
DIGEST_CACHE_SIZE = 50_000
DIGEST_KEY = "subjects"  # the keyed digests' secret, by name


@dataclass(frozen=True)
class SealingKey:
    """The key new fields about a person are encrypted under: its id, and the key."""

    kid: int
    key: bytes = field(repr=False)

    @property
    def cipher(self) -> AESGCM:
        return AESGCM(self.key)


class _Wanted:
    """One thread's people whose current keys it waits for."""

    __slots__ = ("done", "error", "found", "people")

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.found: dict[Person, tuple[int, bytes]] = {}
        self.error: BaseException | None = None
        self.done = False


class Keyring:
    """The key store with the process's cache: keys to seal a person's new fields, keys to open
    stored ones, keyed digests, and erasure."""

    def __init__(self, store: KeyStore, cache_seconds: float = CACHE_SECONDS) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        # Each key with the moment it was read from the store (time.monotonic()).
        # Raw keys, not ciphers: a cipher object holds 2.5 KiB, and costs 1 µs to make.
        self._opening: dict[int, tuple[bytes | None, float]] = {}
        self._sealing: dict[Person, tuple[SealingKey, float]] = {}
        # HMAC-SHA-256 with the key absorbed once, copied for each digest; the digests kept
        # (``digest(keep=True)``), by their text and, to forget them on erasure, by digest.
        self._hmac: hmac.HMAC | None = None
        self._digests: dict[str, bytes] = {}
        self._digested: dict[bytes, str] = {}
        # Keys made in the process, written to the store when ``deferred`` ends; None: not so.
        self._deferred: dict[Person, tuple[int, bytes]] | None = None
        self._reserved: list[int] = []
        self._reserve_size = 1000
        self._together = threading.Condition()
        self._waiting: list[_Wanted] = []
        self._leading = False

    # --- sealing -----------------------------------------------------------------------------

    def sealing(self, person: Person) -> SealingKey:
        cached = self._sealing.get(person)
        if cached is not None and cached[1] > time.monotonic() - self.cache_seconds:
            return cached[0]
        return self.sealing_many((person,))[person]

    def sealing_many(self, people: Iterable[Person]) -> dict[Person, SealingKey]:
        """Each person's current key, made for those who have none, in one trip for the misses;
        PersonErased for a person erased, for whom no key is made again."""
        found, erased = self.sealing_or_erased(people)
        if erased:
            raise PersonErased(erased[0])
        return found

    def sealing_or_erased(
        self, people: Iterable[Person]
    ) -> tuple[dict[Person, SealingKey], list[Person]]:
        """``sealing_many`` for a batch that may hold people erased (an import's learners):
        the keys of the others, and those erased, in the same one trip."""
        now = time.monotonic()
        fresh = now - self.cache_seconds
        found: dict[Person, SealingKey] = {}
        missing: list[Person] = []
        for person in people:
            cached = self._sealing.get(person)
            if cached is not None and cached[1] > fresh:
                found[person] = cached[0]
            else:
                missing.append(person)
        if missing:
            current = self._current_together(missing)
            with self._lock:
                if len(self._sealing) + len(missing) > CACHE_SIZE:
                    self._sealing.clear()
                for person, (kid, key) in current.items():
                    found[person] = SealingKey(kid, key)
                    self._sealing[person] = (found[person], now)
                    self._opening[kid] = (key, now)
            return found, [person for person in missing if person not in current]
        return found, []

    @contextmanager
    def deferred(self, reserve: int = 1000) -> Iterator[None]:
        """Inside the block, a person without a key in this process gets one made here (their
        next generation), under a kid reserved in the store ``reserve`` at a time, and the keys
        are written to the store in one statement when the block ends: for a run that writes
        its events once it is over (the demo), rather than one trip to the store a person."""
        with self._lock:
            self._deferred, self._reserved, self._reserve_size = {}, [], reserve
        try:
            yield
            with self._lock:
                made = [(kid, person, key) for person, (kid, key) in self._deferred.items()]
            self.store.add(made)
        finally:
            with self._lock:
                self._deferred = None

    def _made_here(self, people: list[Person]) -> dict[Person, tuple[int, bytes]]:
        with self._lock:
            deferred = self._deferred
            assert deferred is not None
            for person in people:
                if person not in deferred:
                    if not self._reserved:
                        self._reserved = self.store.reserve(self._reserve_size)
                    deferred[person] = (self._reserved.pop(0), os.urandom(KEY_BYTES))
            return {person: deferred[person] for person in people}

    def _current_together(self, people: list[Person]) -> dict[Person, tuple[int, bytes]]:
        """The store's current keys of ``people``, asked together with those other threads
        want meanwhile: a new person's key is committed before their event is, and concurrent
        commands share one key store transaction (as their events share a group commit)."""
        if self._deferred is not None:
            return self._made_here(people)
        wanted = _Wanted(people)
        with self._together:
            self._waiting.append(wanted)
            while self._leading and not wanted.done:
                self._together.wait()
            if not wanted.done:
                self._leading = True
                batch, self._waiting = self._waiting, []
        if not wanted.done:
            try:
                found = self.store.current([p for w in batch for p in w.people])
                error: BaseException | None = None
            except BaseException as failed:
                found, error = {}, failed
            with self._together:
                for w in batch:
                    w.found = {p: found[p] for p in w.people if p in found}
                    w.error, w.done = error, True
                self._leading = False
                self._together.notify_all()
        if wanted.error is not None:
            raise wanted.error
        return wanted.found

    # --- opening -----------------------------------------------------------------------------

    def opening(self, kid: int) -> AESGCM | None:
        """The cipher of key ``kid``; None when the key was destroyed."""
        cached = self._opening.get(kid)
        if cached is None or cached[1] <= time.monotonic() - self.cache_seconds:
            self.load((kid,))
            cached = self._opening[kid]
        return None if cached[0] is None else AESGCM(cached[0])

    def uncached(self, kids: Iterable[int]) -> set[int]:
        """The kids whose keys are not in the cache (or no longer fresh)."""
        fresh = time.monotonic() - self.cache_seconds
        return {kid for kid in kids if (c := self._opening.get(kid)) is None or c[1] <= fresh}

    def load(self, kids: Iterable[int]) -> dict[int, bytes | None]:
        """Load the keys not cached (one trip), so that opening them costs no trip after."""
        now = time.monotonic()
        missing = self.uncached(kids)
        if not missing:
            return {}
        keys = self.store.by_kid(missing)
        loaded = {kid: keys.get(kid) for kid in missing}
        with self._lock:
            if len(self._opening) + len(loaded) > CACHE_SIZE:
                self._opening.clear()
            self._opening.update((kid, (c, now)) for kid, c in loaded.items())
        return loaded

    # --- digests -----------------------------------------------------------------------------

    def digest(self, text: str, *, keep: bool = False) -> bytes:
        """HMAC-SHA-256 of ``text`` under the store's digest key: not found again by guessing.
        ``keep``: the digest is kept with its text (bounded, ``DIGEST_CACHE_SIZE``) until the
        person it names is erased (a learner's comes back for each of their trainings); a
        digest of anything else (a command's arguments) is never kept."""
        found = self._digests.get(text) if keep else None
        if found is not None:
            return found
        template = self._hmac
        if template is None:
            key = self.store.digest_key(DIGEST_KEY)
            template = self._hmac = hmac.new(key, digestmod="sha256")
        mac = template.copy()
        mac.update(text.encode())
        found = mac.digest()
        if keep:
            with self._lock:
                if len(self._digests) >= DIGEST_CACHE_SIZE:
                    self._digests.clear()
                    self._digested.clear()
                self._digests[text] = found
                self._digested[found] = text
        return found

    # --- erasure and rectification -----------------------------------------------------------

    def erase(self, person: Person) -> int:
        """Destroy every key of the person; how many were destroyed (0 the second time)."""
        return self._forget(person, self.store.destroy(person))

    def new_generation(self, person: Person) -> int:
        """Make the person's next key generation current; its number."""
        _, generation = self.store.next_generation(person)
        self._sealing.pop(person, None)
        return generation

    def destroy_old_generations(self, person: Person, below: int) -> int:
        """Destroy the person's keys of generations before ``below`` (the one a rectification
        made), in one trip; how many. Not "all but the newest": a concurrent rectification
        may have made a newer one since, and this one's value may be sealed under either."""
        return self._forget(person, self.store.destroy(person, below))

    def generations(self, person: Person) -> list[int]:
        return self.store.generations(person)

    def _forget(self, person: Person, kids: list[int]) -> int:
        with self._lock:
            self._sealing.pop(person, None)
            try:  # a person known by a kept digest (a learner): the text digested goes too
                text = self._digested.pop(bytes.fromhex(person[1]), None)
            except ValueError:
                text = None
            if text is not None:
                self._digests.pop(text, None)
            now = time.monotonic()
            for kid in kids:
                self._opening[kid] = (None, now)
        return len(kids)


_lock = threading.Lock()
_keyring: Keyring | None = None


def use_keyring(keyring: Keyring | None) -> Keyring | None:
    """Make ``keyring`` the process's (None: found again from the settings on next use); the
    one it replaces."""
    global _keyring
    with _lock:
        previous, _keyring = _keyring, keyring
    return previous


@contextmanager
def using_keyring(keyring: Keyring) -> Iterator[Keyring]:
    """The process's keyring is ``keyring`` inside the block (tests)."""
    previous = use_keyring(keyring)
    try:
        yield keyring
    finally:
        use_keyring(previous)


def keyring() -> Keyring:
    """The process's keyring: the one set with ``use_keyring``, else the key store the settings
    name (osezia.store.keys_setup.keys_url), opened once."""
    global _keyring
    found = _keyring
    if found is not None:
        return found
    from osezia.store.keys_setup import keys_url  # the settings, read on first use only

    with _lock:
        if _keyring is None:
            _keyring = Keyring(PostgresKeys(keys_url()))
        return _keyring
