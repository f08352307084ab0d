"""The database a command works on: which one, and one line when it does not answer."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import eventsourcing.persistence
import psycopg

from osezia.store.embedded import resolve_database_url
from osezia.store.settings import CHECK_TIMEOUT, Database, Settings

# What a database that is down or unreachable raises, through each of the drivers we use.
_UNREACHABLE: tuple[type[Exception], ...] = (
    OSError,
    psycopg.OperationalError,
    eventsourcing.persistence.OperationalError,
)


def unreachable_errors() -> tuple[type[Exception], ...]:
    """What a database that does not answer raises (`except unreachable_errors()`), with
    sqlalchemy's (alembic's driver) once loaded: `osezia serve` runs the API in this process,
    which imports sqlalchemy only when it migrates."""
    loaded = sys.modules.get("sqlalchemy.exc")
    return _UNREACHABLE if loaded is None else (*_UNREACHABLE, loaded.OperationalError)


def redis_errors() -> tuple[type[Exception], ...]:
    """What a Redis that does not answer raises, once redis is loaded (nothing before: a
    command without REDIS_URL never imports it)."""
    loaded = sys.modules.get("redis.exceptions")
    return () if loaded is None else (loaded.RedisError,)


def database_url(settings: Settings) -> str:
    url = resolve_database_url(settings.database_url, production=settings.is_production)
    if settings.database_url is None:
        print(f"DATABASE_URL is not set: using the embedded PostgreSQL ({url})", file=sys.stderr)
    return url


def check_database(url: str) -> None:
    """Connect once before a command starts its work: a database that is down or does not
    answer is then reported in seconds, not after a connection pool's 30 s wait."""
    with psycopg.connect(url, connect_timeout=CHECK_TIMEOUT):
        pass


def unreachable(url: str | None, error: BaseException) -> str:
    """One line naming the database (never its password) and what went wrong."""
    text = str(error).strip()
    reason = text.splitlines()[0] if text else type(error).__name__
    if url is None:
        return f"osezia: the embedded PostgreSQL does not answer: {reason}"
    database = Database.from_url(url)
    where = f"{database.host}:{database.port}/{database.dbname}"
    return f"osezia: the database does not answer ({where}): {reason}"


def redis_unreachable(url: str | None, error: BaseException) -> str:
    """One line naming Redis's address (never its password) and what went wrong."""
    text = str(error).strip()
    reason = text.splitlines()[0] if text else type(error).__name__
    where = urlsplit(url or "")
    return f"osezia: Redis does not answer ({where.hostname}:{where.port or 6379}): {reason}"


def store_env(url: str, pool_size: int = 5) -> dict[str, str]:
    """eventsourcing's environment for a write application on this database."""
    return Database.from_url(url).eventsourcing_env(pool_size=pool_size)
