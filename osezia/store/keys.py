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

import hashlib
import os
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg_pool import ConnectionPool

KEY_BYTES = 32  # AES-256
CACHE_SECONDS = 60.0  # how long a process may use a key another process destroyed
CACHE_SIZE = 200_000  # keys kept in memory, at most, of each kind (opening, sealing)
DIGEST_KEY = "subjects"  # the keyed digests' secret, by name

# A person: the kind of person (osezia.domain.personal.Subject) and who, as text.
Person = tuple[str, str]


class KeyStoreError(RuntimeError):
    """The key store cannot be used: not configured, not migrated, or not answering."""

    code = "KEY_STORE"


@dataclass(frozen=True)
class SealingKey:
    """The key new fields about a person are encrypted under: its id, and the key."""

    kid: int
    key: bytes = field(repr=False)

    @property
    def cipher(self) -> AESGCM:
        return AESGCM(self.key)


class KeyStore(Protocol):
    """Where keys are kept: PostgreSQL (``PostgresKeys``) or memory (``MemoryKeys``, tests)."""

    def current(self, people: Collection[Person]) -> dict[Person, tuple[int, bytes]]:
        """Each person's newest key (kid, key), made (generation 1) for those who have none."""
        ...

    def by_kid(self, kids: Collection[int]) -> dict[int, bytes]:
        """The keys of these kids that still exist."""
        ...

    def destroy(self, person: Person, below: int | None = None) -> list[int]:
        """Delete the person's keys (those of generations below ``below`` only, if given);
        the kids deleted."""
        ...

    def next_generation(self, person: Person) -> tuple[int, int]:
        """A new key for the person, of the next generation: (kid, generation)."""
        ...

    def generations(self, person: Person) -> list[int]:
        """The generations of the person's keys that exist, oldest first."""
        ...

    def digest_key(self, name: str) -> bytes:
        """The secret of the keyed digest ``name``, made once."""
        ...


class MemoryKeys:
    """A key store in memory: for tests and in-memory runs only, its keys die with the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[int, tuple[Person, int, bytes]] = {}
        self._next_kid = 1
        self._digests: dict[str, bytes] = {}

    def _add(self, person: Person, generation: int) -> int:
        kid = self._next_kid
        self._next_kid += 1
        self._keys[kid] = (person, generation, os.urandom(KEY_BYTES))
        return kid

    def _newest(self, person: Person) -> tuple[int, int] | None:
        found = [(g, kid) for kid, (p, g, _) in self._keys.items() if p == person]
        return max(found) if found else None

    def current(self, people: Collection[Person]) -> dict[Person, tuple[int, bytes]]:
        with self._lock:
            found: dict[Person, tuple[int, bytes]] = {}
            for person in people:
                newest = self._newest(person)
                kid = newest[1] if newest else self._add(person, 1)
                found[person] = (kid, self._keys[kid][2])
            return found

    def by_kid(self, kids: Collection[int]) -> dict[int, bytes]:
        with self._lock:
            return {kid: self._keys[kid][2] for kid in kids if kid in self._keys}

    def destroy(self, person: Person, below: int | None = None) -> list[int]:
        with self._lock:
            gone = [
                kid
                for kid, (p, g, _) in self._keys.items()
                if p == person and (below is None or g < below)
            ]
            for kid in gone:
                del self._keys[kid]
            return gone

    def next_generation(self, person: Person) -> tuple[int, int]:
        with self._lock:
            newest = self._newest(person)
            generation = newest[0] + 1 if newest else 1
            return self._add(person, generation), generation

    def generations(self, person: Person) -> list[int]:
        with self._lock:
            return sorted(g for p, g, _ in self._keys.values() if p == person)

    def digest_key(self, name: str) -> bytes:
        with self._lock:
            return self._digests.setdefault(name, os.urandom(KEY_BYTES))


_CURRENT = """
    SELECT DISTINCT ON (k.subject, k.subject_id) k.subject, k.subject_id, k.kid, k.key
    FROM personal_keys AS k
    JOIN unnest(%s::text[], %s::text[]) AS w(subject, subject_id) USING (subject, subject_id)
    ORDER BY k.subject, k.subject_id, k.generation DESC
"""
# Each person's newest key, and a first one made, in the same statement, for those who have none.
_CURRENT_OR_FIRST = """
    WITH wanted AS (
        SELECT * FROM unnest(%s::text[], %s::text[], %s::bytea[]) AS w(subject, subject_id, key)
    ), existing AS (
        SELECT DISTINCT ON (k.subject, k.subject_id) k.subject, k.subject_id, k.kid, k.key
        FROM personal_keys AS k JOIN wanted AS w USING (subject, subject_id)
        ORDER BY k.subject, k.subject_id, k.generation DESC
    ), made AS (
        INSERT INTO personal_keys (subject, subject_id, generation, key)
        SELECT w.subject, w.subject_id, 1, w.key FROM wanted AS w
        WHERE NOT EXISTS (
            SELECT FROM existing AS e
            WHERE e.subject = w.subject AND e.subject_id = w.subject_id
        )
        ON CONFLICT (subject, subject_id, generation) DO NOTHING
        RETURNING subject, subject_id, kid, key
    )
    SELECT subject, subject_id, kid, key FROM existing
    UNION ALL SELECT subject, subject_id, kid, key FROM made
"""
_NEXT = """
    INSERT INTO personal_keys (subject, subject_id, generation, key)
    SELECT %(subject)s, %(subject_id)s, coalesce(max(generation), 0) + 1, %(key)s
    FROM personal_keys WHERE subject = %(subject)s AND subject_id = %(subject_id)s
    RETURNING kid, generation
"""


class PostgresKeys:
    """The key store in its own PostgreSQL database (alembic/keys: osezia.store.keys_setup)."""

    def __init__(self, url: str, max_size: int = 8) -> None:
        self.url = url
        self._pool = ConnectionPool(
            url,
            min_size=0,
            max_size=max_size,
            kwargs={"autocommit": True},
            open=True,
            name="osezia-keys",
        )

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.errors.UndefinedTable:
            raise KeyStoreError("the key store has no tables yet: run `osezia migrate`") from None

    def current(self, people: Collection[Person]) -> dict[Person, tuple[int, bytes]]:
        wanted = list(dict.fromkeys(people))
        if not wanted:
            return {}
        subjects, ids = [p[0] for p in wanted], [p[1] for p in wanted]
        keys = [os.urandom(KEY_BYTES) for _ in wanted]
        with self._connection() as conn:
            rows = conn.execute(_CURRENT_OR_FIRST, (subjects, ids, keys))
            found = {(s, i): (kid, bytes(key)) for s, i, kid, key in rows}
            missing = [p for p in wanted if p not in found]
            if missing:
                # Made by another process at the same moment: read what it made.
                rows = conn.execute(_CURRENT, ([p[0] for p in missing], [p[1] for p in missing]))
                found.update({(s, i): (kid, bytes(key)) for s, i, kid, key in rows})
        return found

    def by_kid(self, kids: Collection[int]) -> dict[int, bytes]:
        if not kids:
            return {}
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT kid, key FROM personal_keys WHERE kid = ANY(%s::bigint[])", (list(kids),)
            )
            return {kid: bytes(key) for kid, key in rows}

    def destroy(self, person: Person, below: int | None = None) -> list[int]:
        query = "DELETE FROM personal_keys WHERE subject = %s AND subject_id = %s"
        parameters: tuple[Any, ...] = person
        if below is not None:
            query += " AND generation < %s"
            parameters = (*person, below)
        with self._connection() as conn:
            return [kid for (kid,) in conn.execute(query + " RETURNING kid", parameters)]

    def next_generation(self, person: Person) -> tuple[int, int]:
        for _ in range(5):
            try:
                with self._connection() as conn:
                    row = conn.execute(
                        _NEXT,
                        {
                            "subject": person[0],
                            "subject_id": person[1],
                            "key": os.urandom(KEY_BYTES),
                        },
                    ).fetchone()
            except psycopg.errors.UniqueViolation:
                continue  # another process made the same generation: take the next one
            assert row is not None
            return int(row[0]), int(row[1])
        raise KeyStoreError(f"no new generation could be made for a {person[0]}")

    def generations(self, person: Person) -> list[int]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT generation FROM personal_keys WHERE subject = %s AND subject_id = %s "
                "ORDER BY generation",
                person,
            )
            return [g for (g,) in rows]

    def digest_key(self, name: str) -> bytes:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO digest_keys (name, key) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (name, os.urandom(KEY_BYTES)),
            )
            row = conn.execute("SELECT key FROM digest_keys WHERE name = %s", (name,)).fetchone()
        assert row is not None
        return bytes(row[0])


def _hmac_pads(key: bytes) -> tuple[Any, Any]:
    """HMAC-SHA-256's two hash states with the key absorbed (RFC 2104), copied for each digest:
    the same digest as ``hmac.digest``, without absorbing the key again each time."""
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    return inner, outer


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
        # HMAC's inner and outer SHA-256 states, the key absorbed once; digests already made.
        self._pads: tuple[Any, Any] | None = None
        self._digests: dict[str, bytes] = {}
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
        """Each person's current key, made for those who have none, in one trip for the misses."""
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
        return found

    def _current_together(self, people: list[Person]) -> dict[Person, tuple[int, bytes]]:
        """The store's current keys of ``people``, asked together with those other threads
        want meanwhile: a new person's key is committed before their event is, and concurrent
        commands share one key store transaction (as their events share a group commit)."""
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

    def digest(self, text: str) -> bytes:
        """HMAC-SHA-256 of ``text`` under the store's digest key: not found again by guessing.
        The same text's digest is kept (bounded): a learner's comes back for each training."""
        cached = self._digests.get(text)
        if cached is not None:
            return cached
        pads = self._pads
        if pads is None:
            pads = self._pads = _hmac_pads(self.store.digest_key(DIGEST_KEY))
        inner, outer = pads[0].copy(), pads[1].copy()
        inner.update(text.encode())
        outer.update(inner.digest())
        found: bytes = outer.digest()
        if len(self._digests) >= CACHE_SIZE:
            self._digests.clear()
        self._digests[text] = found
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

    def destroy_before(self, person: Person, generation: int) -> int:
        """Destroy the person's keys older than ``generation``; how many."""
        return self._forget(person, self.store.destroy(person, below=generation))

    def generations(self, person: Person) -> list[int]:
        return self.store.generations(person)

    def _forget(self, person: Person, kids: list[int]) -> int:
        with self._lock:
            self._sealing.pop(person, None)
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
