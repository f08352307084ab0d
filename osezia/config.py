"""Settings, read once from the environment and checked at start with a clear message."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit


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
        }

    def sqlalchemy_url(self) -> str:
        """The same database for alembic, through psycopg 3."""
        return "postgresql+psycopg://" + self.url.split("://", 1)[1]

    def asyncpg_dsn(self) -> str:
        return "postgresql://" + self.url.split("://", 1)[1]


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    redis_url: str | None
    host: str
    port: int
    environment: str

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    port_text = env.get("OSEZIA_PORT", "8000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"OSEZIA_PORT must be a TCP port (1–65535), got {port_text!r}")
    environment = env.get("OSEZIA_ENV", "development")
    if environment not in {"development", "production"}:
        raise SettingsError(
            f"OSEZIA_ENV must be 'development' or 'production', got {environment!r}"
        )
    database_url = env.get("DATABASE_URL") or None
    if database_url is not None:
        Database.from_url(database_url)  # fail now, with the message, not at first query
    redis_url = env.get("REDIS_URL") or None
    if redis_url is not None and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"REDIS_URL must start with redis://, got {redis_url!r}")
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        host=env.get("OSEZIA_HOST", "127.0.0.1"),
        port=int(port_text),
        environment=environment,
    )
