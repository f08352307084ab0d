"""Looking for a person's name where osezia keeps data: a whole `pg_dump` of the database, its
text and the bytes of its bytea values, and the log's head (to see that nothing was appended)."""

from __future__ import annotations

import re
import subprocess

import psycopg

from tests.services import PG_BIN

# pg_dump writes a bytea value as \x and its bytes in hex (bytea_output = hex, the default).
_BYTEA = re.compile(rb"\\\\?x([0-9a-f]+)")


def dump_of(database_url: str) -> bytes:
    """The whole database, schema and data, as pg_dump prints it."""
    run = subprocess.run(
        [str(PG_BIN / "pg_dump"), "--format=plain", "--no-owner", "--no-acl", database_url],
        check=True,
        capture_output=True,
    )
    return run.stdout


def places_holding(dump: bytes, *words: str) -> list[str]:
    """Where any of the words appears in the dump: in its text (as UTF-8, or escaped in JSON
    as \\uXXXX) or inside one of its bytea values, decoded; empty when nowhere."""
    found = []
    for word in words:
        forms = {word.encode(), word.encode("unicode_escape"), _json_escaped(word).encode()}
        for form in forms:
            if form in dump:
                at = dump.index(form)
                found.append(f"text: …{dump[max(at - 120, 0) : at + 40]!r}")
        for match in _BYTEA.finditer(dump):
            value = bytes.fromhex(match.group(1).decode())
            if any(form in value for form in forms):
                found.append(f"bytea: {value[:160]!r}")
    return found


def _json_escaped(word: str) -> str:
    return "".join(c if c.isascii() else f"\\u{ord(c):04x}" for c in word)


def head(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM osezia_events").fetchone()
    assert row is not None
    return int(row[0])
