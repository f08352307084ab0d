"""The roles the API logs in as, each with only the rights its work needs.

The deployment gives one DATABASE_URL, the owner's. `osezia migrate` creates three login roles
from it, named after the database (see names.py):

- the reader, NOINHERIT and a member of the tenant roles only: the API's read transactions take
  a tenant's role in it, and RESET ROLE leaves them with no right at all, not the owner's;
- the writer, for the API's commands: it reads and appends to the event log (UPDATE only
  because the recorder's LOCK TABLE … IN EXCLUSIVE MODE asks for it; a trigger refuses every
  UPDATE, DELETE and TRUNCATE of the log);
- the service, for health and metrics: it reads the log, the read models' versions and their
  positions.

Each one's password is derived from the owner's (an HMAC), so the processes that know
DATABASE_URL know them, and no other setting is needed; with no password in DATABASE_URL (trust
or peer authentication) the roles get none. DATABASE_READER_URL, DATABASE_WRITER_URL and
DATABASE_SERVICE_URL name login roles managed elsewhere instead: `osezia migrate` makes each a
member of the role it stands for.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from osezia.projections.names import reader_role, service_role, writer_role
from osezia.store.settings import CONNECT_TIMEOUT, Database

LOGIN_ROLES: dict[str, Callable[[str], str]] = {
    "reader": reader_role,
    "writer": writer_role,
    "service": service_role,
}

_TABLE_RIGHTS = {
    "writer": {"osezia_events": "SELECT, INSERT, UPDATE"},
    "service": {
        "osezia_events": "SELECT",
        "read_model_versions": "SELECT",
        "alembic_version": "SELECT",
    },
}


def derived_password(owner: Database, role: str) -> str | None:
    """The role's password, from the owner's; None when the owner's URL holds none."""
    if not owner.password:
        return None
    return hmac.new(owner.password.encode(), role.encode(), hashlib.sha256).hexdigest()


def login_url(owner_url: str, kind: str) -> str:
    """The owner's URL, logging in as the database's reader, writer or service role."""
    owner = Database.from_url(owner_url)
    role = LOGIN_ROLES[kind](owner.dbname)
    password = derived_password(owner, role)
    parts = urlsplit(owner_url)
    place = parts.netloc.rpartition("@")[2]
    user = quote(role, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{user}@{place}"))


def role_url(owner_url: str, kind: str, configured: str | None) -> str:
    """DATABASE_<KIND>_URL when set, else the derived role's URL."""
    return configured if configured else login_url(owner_url, kind)


def ensure_login_roles(owner_url: str, members: Mapping[str, str | None] | None = None) -> None:
    """Create or align the reader, writer and service roles and their rights; make each
    configured login role (`members`: kind to URL) a member of the role it stands for."""
    owner = Database.from_url(owner_url)
    with psycopg.connect(owner_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
        for kind, name_of in LOGIN_ROLES.items():
            role = sql.Identifier(name_of(owner.dbname))
            exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (name_of(owner.dbname),)
            ).fetchone()
            password = derived_password(owner, name_of(owner.dbname))
            conn.execute(
                sql.SQL("{} ROLE {} LOGIN NOINHERIT PASSWORD {}").format(
                    sql.SQL("ALTER" if exists else "CREATE"), role, sql.Literal(password)
                )
            )
            for table, rights in _TABLE_RIGHTS.get(kind, {}).items():
                conn.execute(
                    sql.SQL("GRANT {} ON {} TO {}").format(
                        sql.SQL(rights), sql.Identifier(table), role
                    )
                )
            configured = (members or {}).get(kind)
            if configured:
                user = Database.from_url(configured).user
                if user != name_of(owner.dbname):
                    conn.execute(sql.SQL("GRANT {} TO {}").format(role, sql.Identifier(user)))
        writer = sql.Identifier(writer_role(owner.dbname))
        conn.execute(
            sql.SQL("GRANT USAGE ON SEQUENCE osezia_events_notification_id_seq TO {}").format(
                writer
            )
        )
