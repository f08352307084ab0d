"""What every benchmark needs of the machine: a fresh database, and how idle the CPU is."""

from __future__ import annotations

import time
from typing import cast

import psycopg
from psycopg import sql

from osezia.domain.actors import ActorMapper
from osezia.domain.companies.application import Companies
from osezia.store.keys import Keyring, PostgresKeys, use_keyring
from osezia.store.migrations import migrate_keys


def with_database(admin_url: str, dbname: str) -> str:
    """The admin URL, naming another database."""
    head, _, query = admin_url.partition("?")
    return f"{head.rsplit('/', 1)[0]}/{dbname}" + (f"?{query}" if query else "")


def recreate_database(admin_url: str, dbname: str) -> str:
    """Drop (forcing out its sessions) and create the database; returns its URL."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        name = sql.Identifier(dbname)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return with_database(admin_url, dbname)


def fresh_key_store(admin_url: str, dbname: str) -> Keyring:
    """A new key store (its own database, migrated), made the process's keyring (the one it
    replaces is closed first: its connections would be forced out)."""
    previous = use_keyring(None)
    if previous is not None and isinstance(previous.store, PostgresKeys):
        previous.store.close()
    url = recreate_database(admin_url, dbname)
    migrate_keys(url)
    keyring = Keyring(PostgresKeys(url))
    use_keyring(keyring)
    return keyring


def cpu_idle(seconds: float = 2.0) -> float | None:
    """The share of the machine's CPU time left idle over ``seconds`` (Linux), else None."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            ticks = [int(n) for n in stat.readline().split()[1:]]
        return ticks[3] + ticks[4], sum(ticks[:8])  # idle + iowait, all

    try:
        idle_before, total_before = sample()
        time.sleep(seconds)
        idle_after, total_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    return (idle_after - idle_before) / max(1, total_after - total_before)


class PlainCompanies(Companies):
    """Companies with encryption off: the actor mapper alone, personal fields in clear (what
    the peers store)."""

    def construct_mapper(self) -> ActorMapper:
        mapper = self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=ActorMapper
        )
        return cast(ActorMapper, mapper)
