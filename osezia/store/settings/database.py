"""Where the PostgreSQL database is (a postgresql:// URL, parsed once), how this process's
connections name themselves to it, and SettingsError, the one exception a setting osezia cannot
use raises."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

# Seconds a connection to PostgreSQL may take to open (libpq's connect_timeout, asyncpg's
# timeout): a database that is down or does not answer is reported, not waited for.
CONNECT_TIMEOUT = 3
# What a command gives the database to answer before it starts (libpq's least is 2 seconds).
CHECK_TIMEOUT = 2

ROLES = ("serve", "project", "worker")


def _default_application_name(argv: list[str]) -> str:
    """`osezia serve`, `osezia project` and `osezia worker` are named for their role until
    their logging is configured (which names them too); any other command is osezia-cli."""
    role = argv[1] if len(argv) > 1 else ""
    return f"osezia-{role}" if role in ROLES else "osezia-cli"


# How this process's connections name themselves to PostgreSQL (pg_stat_activity's
# application_name).
_application_name = _default_application_name(sys.argv)


def use_application_name(name: str) -> None:
    """Name this process's connections from now on (observability.logs.configure_logging
    calls this with the process's role)."""
    global _application_name
    _application_name = name


def application_name() -> str:
    return _application_name


class SettingsError(ValueError):
    """A setting has a value osezia cannot use; the message names it and what is expected."""


@dataclass(frozen=True)
class Database:
    """Where the PostgreSQL database is, parsed from a ``postgresql://`` URL."""

    url: str
    dbname: str
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        if parts.scheme not in {"postgresql", "postgres"}:
            raise SettingsError(
                f"DATABASE_URL must start with postgresql://, got {parts.scheme or url!r}"
            )
        query = parse_qs(parts.query)
        # A Unix socket directory may be given as ?host=/path (as embedded PostgreSQL does).
        host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
        try:
            port = int(query.get("port", [parts.port or 5432])[0])
        except ValueError:
            raise SettingsError(f"DATABASE_URL has a port that is not a number: {url!r}") from None
        dbname = unquote(parts.path.lstrip("/")) or "postgres"
        return cls(
            url=url,
            dbname=dbname,
            host=host,
            port=port,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
        )

    def eventsourcing_env(self, pool_size: int = 5) -> dict[str, str]:
        """The environment eventsourcing's PostgreSQL module is configured with."""
        # eventsourcing passes libpq no application_name: libpq reads it from PGAPPNAME.
        os.environ["PGAPPNAME"] = application_name()
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(pool_size),
            # Tables belong to alembic's migrations, never to a side effect of starting.
            "CREATE_TABLE": "n",
            # The library's recorder, its batch of events sent as a binary parameter.
            "APPLICATION_RECORDER_TOPIC": "osezia.store.recorder:BinaryParameterRecorder",
        }

    def sqlalchemy_url(self) -> str:
        """The same database for alembic, through psycopg 3, with a connect timeout."""
        rest = self.url.split("://", 1)[1]
        if "connect_timeout=" not in rest:
            rest += ("&" if "?" in rest else "?") + f"connect_timeout={CONNECT_TIMEOUT}"
        if "application_name=" not in rest:
            rest += f"&application_name={application_name()}"
        return "postgresql+psycopg://" + rest

    def asyncpg_dsn(self) -> str:
        return "postgresql://" + self.url.split("://", 1)[1]
