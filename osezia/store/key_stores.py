"""Where personal data keys are kept: PostgreSQL, in the key store's own database
(``PostgresKeys``), or memory (``MemoryKeys``, for tests and in-memory runs). The process's cache
over them is osezia.store.keys.Keyring."""

from __future__ import annotations

import os
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from psycopg_pool import ConnectionPool

from osezia.store.settings.database import CONNECT_TIMEOUT

KEY_BYTES = 32  # AES-256

# A person: the kind of person (osezia.domain.personal.Subject) and who, as text.
Person = tuple[str, str]


class KeyStoreError(RuntimeError):
    """The key store cannot be used: not configured, not migrated, or not answering."""

    code = "KEY_STORE"


class PersonErased(LookupError):
    """No key is made for a person once erased: the key store keeps their tombstone."""

    code = "PERSON_ERASED"

    def __init__(self, person: Person) -> None:
        super().__init__(f"the {person[0].lower().replace('_', ' ')} was erased")
        self.person = person


class KeyStore(Protocol):
    """Where keys are kept: PostgreSQL (``PostgresKeys``) or memory (``MemoryKeys``, tests)."""

    def current(self, people: Collection[Person]) -> dict[Person, tuple[int, bytes]]:
        """Each person's newest key (kid, key), made (generation 1) for those who have none;
        none for a person erased (their tombstone)."""
        ...

    def by_kid(self, kids: Collection[int]) -> dict[int, bytes]:
        """The keys of these kids that still exist."""
        ...

    def destroy(self, person: Person, below: int | None = None) -> list[int]:
        """Delete the person's keys (those of generations before ``below`` only, if given: a
        rectification's end); the kids deleted. Deleting them all (an erasure) leaves the
        person's tombstone."""
        ...

    def next_generation(self, person: Person) -> tuple[int, int]:
        """A new key for the person, of the next generation: (kid, generation); PersonErased
        for a person erased."""
        ...

    def generations(self, person: Person) -> list[int]:
        """The generations of the person's keys that exist, oldest first."""
        ...

    def digest_key(self, name: str) -> bytes:
        """The secret of the keyed digest ``name``, made once."""
        ...

    def reserve(self, count: int) -> list[int]:
        """``count`` kids no key has, nor will be given by ``current``."""
        ...

    def add(self, keys: Collection[tuple[int, Person, bytes]]) -> None:
        """Keys made elsewhere under reserved kids, each its person's next generation."""
        ...


class MemoryKeys:
    """A key store in memory: for tests and in-memory runs only, its keys die with the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[int, tuple[Person, int, bytes]] = {}
        self._next_kid = 1
        self._digests: dict[str, bytes] = {}
        self._erased: set[Person] = set()

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
                if newest is None and person in self._erased:
                    continue
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
            if below is None:
                self._erased.add(person)
            return gone

    def next_generation(self, person: Person) -> tuple[int, int]:
        with self._lock:
            if person in self._erased:
                raise PersonErased(person)
            newest = self._newest(person)
            generation = newest[0] + 1 if newest else 1
            return self._add(person, generation), generation

    def generations(self, person: Person) -> list[int]:
        with self._lock:
            return sorted(g for p, g, _ in self._keys.values() if p == person)

    def digest_key(self, name: str) -> bytes:
        with self._lock:
            return self._digests.setdefault(name, os.urandom(KEY_BYTES))

    def reserve(self, count: int) -> list[int]:
        with self._lock:
            first, self._next_kid = self._next_kid, self._next_kid + count
            return list(range(first, first + count))

    def add(self, keys: Collection[tuple[int, Person, bytes]]) -> None:
        with self._lock:
            for kid, person, key in keys:
                newest = self._newest(person)
                self._keys[kid] = (person, newest[0] + 1 if newest else 1, key)


_CURRENT = """
    SELECT DISTINCT ON (k.subject, k.subject_id) k.subject, k.subject_id, k.kid, k.key
    FROM personal_keys AS k
    JOIN unnest(%b::text[], %b::text[]) AS w(subject, subject_id) USING (subject, subject_id)
    ORDER BY k.subject, k.subject_id, k.generation DESC
"""
# Each person's newest key, and a first one made, in the same statement, for those who have none.
# Its arrays are sent, and its rows read, in binary (``%b``, ``binary=True``): psycopg quotes each
# element of an array sent as text with regular expressions, which cost more of the process's
# time than the statement (an import asks for 20,000 learners at once).
_CURRENT_OR_FIRST = """
    WITH wanted AS (
        SELECT * FROM unnest(%b::text[], %b::text[], %b::bytea[]) AS w(subject, subject_id, key)
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
        ) AND NOT EXISTS (
            SELECT FROM erased_people AS x
            WHERE x.subject = w.subject AND x.subject_id = w.subject_id
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
    HAVING NOT EXISTS (
        SELECT FROM erased_people WHERE subject = %(subject)s AND subject_id = %(subject_id)s
    )
    RETURNING kid, generation
"""
# An erasure: the person's keys deleted, and their tombstone left.
_ERASE = """
    WITH gone AS (
        DELETE FROM personal_keys WHERE subject = %(subject)s AND subject_id = %(subject_id)s
        RETURNING kid
    ), tombstone AS (
        INSERT INTO erased_people (subject, subject_id) VALUES (%(subject)s, %(subject_id)s)
        ON CONFLICT DO NOTHING
    )
    SELECT kid FROM gone
"""
# A rectification's end: the person's keys of the generations before the one it made.
_OLDER = """
    DELETE FROM personal_keys WHERE subject = %(subject)s AND subject_id = %(subject_id)s
    AND generation < %(below)s
    RETURNING kid
"""

# Keys made in a process under reserved kids, each its person's next generation.
_ADD = """
    INSERT INTO personal_keys (kid, subject, subject_id, generation, key) OVERRIDING SYSTEM VALUE
    SELECT n.kid, n.subject, n.subject_id, coalesce((
        SELECT max(k.generation) FROM personal_keys AS k
        WHERE k.subject = n.subject AND k.subject_id = n.subject_id
    ), 0) + 1, n.key
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bytea[])
        AS n(kid, subject, subject_id, key)
"""


class PostgresKeys:
    """The key store in its own PostgreSQL database (alembic/keys: osezia.store.keys_setup)."""

    def __init__(self, url: str, max_size: int = 8) -> None:
        self.url = url
        self._reached = False
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

    def _reach(self) -> None:
        """Connect once, outside the pool, before its first use: a key store that does not
        answer, or a database not made yet, is reported with its cause at once, where the
        pool would retry for its whole timeout and then say only that it had no connection."""
        try:
            psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT).close()
        except psycopg.OperationalError as error:
            cause = " ".join(str(error).split())
            raise KeyStoreError(
                f"the key store cannot be reached ({cause}): check OSEZIA_KEYS_URL, "
                "and run `osezia migrate`, which makes it in development"
            ) from None
        self._reached = True

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        if not self._reached:
            self._reach()
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
        drawn = os.urandom(KEY_BYTES * len(wanted))
        keys = [drawn[i : i + KEY_BYTES] for i in range(0, len(drawn), KEY_BYTES)]
        with self._connection() as conn:
            rows = conn.execute(_CURRENT_OR_FIRST, (subjects, ids, keys), binary=True)
            found = {(s, i): (kid, bytes(key)) for s, i, kid, key in rows}
            missing = [p for p in wanted if p not in found]
            if missing:
                # Made by another process at the same moment: read what it made.
                rows = conn.execute(
                    _CURRENT, ([p[0] for p in missing], [p[1] for p in missing]), binary=True
                )
                found.update({(s, i): (kid, bytes(key)) for s, i, kid, key in rows})
        return found

    def by_kid(self, kids: Collection[int]) -> dict[int, bytes]:
        if not kids:
            return {}
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT kid, key FROM personal_keys WHERE kid = ANY(%b::bigint[])",
                (list(kids),),
                binary=True,
            )
            return {kid: bytes(key) for kid, key in rows}

    def destroy(self, person: Person, below: int | None = None) -> list[int]:
        whom = {"subject": person[0], "subject_id": person[1], "below": below}
        with self._connection() as conn:
            rows = conn.execute(_ERASE if below is None else _OLDER, whom)
            return [kid for (kid,) in rows]

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
            if row is None:
                raise PersonErased(person)
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

    def reserve(self, count: int) -> list[int]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT nextval(pg_get_serial_sequence('personal_keys', 'kid')) "
                "FROM generate_series(1, %s)",
                (count,),
            )
            return [kid for (kid,) in rows]

    def add(self, keys: Collection[tuple[int, Person, bytes]]) -> None:
        if not keys:
            return
        with self._connection() as conn:
            conn.execute(
                _ADD,
                (
                    [k[0] for k in keys],
                    [k[1][0] for k in keys],
                    [k[1][1] for k in keys],
                    [k[2] for k in keys],
                ),
            )

    def digest_key(self, name: str) -> bytes:
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO digest_keys (name, key) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (name, os.urandom(KEY_BYTES)),
            )
            row = conn.execute("SELECT key FROM digest_keys WHERE name = %s", (name,)).fetchone()
        assert row is not None
        return bytes(row[0])
