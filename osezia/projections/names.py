"""The names of a target's schemas, and of the roles osezia uses in PostgreSQL.

Roles belong to the whole server, not to a database: each database's roles carry a tag of its
name (`osezia_1a2b3c4d_tenant_cci`), so several databases on one server (a staging copy, each
test session's) never share one. Every name stays within PostgreSQL's 63 characters.
"""

from __future__ import annotations

import hashlib

from osezia.tenants.visibility import PLATFORM


def stable_schema(target: str) -> str:
    """The schema of views a target's readers use; it never changes."""
    return PLATFORM if target == PLATFORM else "tenant_" + target.replace("-", "_")


def data_schema(target: str, version: int) -> str:
    """The schema holding one version's tables."""
    return f"{stable_schema(target)}_v{version}"


def database_tag(database: str) -> str:
    """Eight hex digits of the database's name; `database_tag_sql` says the same in SQL."""
    return hashlib.md5(database.encode(), usedforsecurity=False).hexdigest()[:8]


# The same tag, worked out by PostgreSQL for the database it runs in.
DATABASE_TAG_SQL = "left(md5(current_database()), 8)"


def _role(database: str, name: str) -> str:
    return f"osezia_{database_tag(database)}_{name}"


def tenant_role(target: str, database: str) -> str:
    """The role that may read the target's stable schema, and nothing else."""
    return _role(database, "tenant_" + target.replace("-", "_"))


def tenant_role_sql(target: str) -> str:
    """tenant_role as a SQL expression, for the database it runs in. The target must be a
    checked slug: it is written into the expression."""
    return f"'osezia_' || {DATABASE_TAG_SQL} || '_tenant_{target.replace('-', '_')}'"


def reader_role(database: str) -> str:
    """The API's readers: a member of every tenant role, with no right of its own."""
    return _role(database, "reader")


def writer_role(database: str) -> str:
    """The API's commands: reads and appends to the event log, nothing else."""
    return _role(database, "writer")


def service_role(database: str) -> str:
    """Health and metrics: reads the log's head, the read models' versions and positions."""
    return _role(database, "service")
