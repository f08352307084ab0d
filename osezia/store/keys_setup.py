"""Where the key store is, and its schema (alembic/keys).

``OSEZIA_KEYS_URL`` names the key store's database; it is required in production, and must not
be the event log's database (in production, nor on the log's server): a backup of the log must
hold no key, so that restoring one taken before an erasure does not bring the person back. In
development it defaults to a database of its own beside the log's: ``<log's database>_keys`` on
DATABASE_URL's server, or ``osezia_keys`` in the embedded PostgreSQL when DATABASE_URL is not
set (`make run`); `osezia migrate` creates it there. Its tables come from alembic's
``alembic/keys`` environment, never from start-up code.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from osezia.store.migrations import migrate_keys
from osezia.store.settings import Database, Settings, SettingsError, load_settings

KEYS_URL_REQUIRED = (
    "OSEZIA_KEYS_URL is required with OSEZIA_ENV=production: the key store's own database, "
    "apart from DATABASE_URL's, such as postgresql://osezia@keys.internal/osezia_keys"
)
SAME_DATABASE = (
    "OSEZIA_KEYS_URL names the event log's own database: the keys must live apart from the "
    "events, or a backup of the log restores the keys of the people erased since"
)
SAME_SERVER = (
    "OSEZIA_KEYS_URL names the event log's own server (the host and port of DATABASE_URL): in "
    "production the key store lives on a server of its own, so that the log's backups never "
    "carry the keys of the people erased since"
)
EMBEDDED_KEYS_DATABASE = "osezia_keys"


def with_dbname(url: str, dbname: str) -> str:
    """The same server and login as ``url``, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + dbname))


def derived_keys_url(database_url: str) -> str:
    """The development key store beside the log's database: ``<its name>_keys``."""
    return with_dbname(database_url, Database.from_url(database_url).dbname + "_keys")


def keys_url(settings: Settings | None = None) -> str:
    """The key store's URL: OSEZIA_KEYS_URL, or in development the database beside the log's."""
    settings = settings or load_settings()
    configured = settings.keys_url
    if configured:
        check_apart(configured, settings.database_url, production=settings.is_production)
        return configured
    if settings.is_production:
        raise SettingsError(KEYS_URL_REQUIRED)
    if settings.database_url:
        return derived_keys_url(settings.database_url)
    from osezia.store.embedded import start_embedded_postgres

    return with_dbname(start_embedded_postgres(), EMBEDDED_KEYS_DATABASE)


def check_apart(keys: str, database_url: str | None, *, production: bool = False) -> None:
    """The key store is not the log's database (same server and database name); in production
    not on the log's server either (same host and port, as configured: two names of one server
    are not told apart), whose backups would hold the keys. Development may share the server."""
    if database_url is None:
        return
    mine, log = Database.from_url(keys), Database.from_url(database_url)
    same_server = (mine.host.lower(), mine.port) == (log.host.lower(), log.port)
    if same_server and mine.dbname == log.dbname:
        raise SettingsError(SAME_DATABASE)
    if same_server and production:
        raise SettingsError(SAME_SERVER)


def create_database(url: str) -> bool:
    """Create the key store's database if it does not exist (development); whether it did."""
    target = Database.from_url(url)
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (target.dbname,)
        ).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.dbname)))
        return True


def prepare_keys(settings: Settings) -> str:
    """`osezia migrate`'s step for the key store: in development its database is made if
    missing; its tables are migrated. Its URL."""
    url = keys_url(settings)
    if not settings.keys_url:
        create_database(url)
    migrate_keys(url)
    return url
