"""An embedded PostgreSQL, shipped as a wheel, for machines with no DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from osezia.config import DATABASE_URL_REQUIRED, SettingsError


def data_directory() -> Path:
    return Path(platformdirs.user_data_dir("osezia")) / "postgresql"


def start_embedded_postgres(directory: Path | None = None) -> str:
    """Start (or join) the embedded server and return its URL.

    The server keeps running after this process ends, so the next command finds the same data;
    pgserver shares one server between the processes that use the same directory.
    """
    import pgserver  # imported late: only machines without DATABASE_URL need it

    path = directory or data_directory()
    path.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(path, cleanup_mode=None)
    return str(server.get_uri())


def resolve_database_url(configured: str | None, *, production: bool = False) -> str:
    """DATABASE_URL when set, else the embedded server's URL; never in production, where a
    missing DATABASE_URL is a mistake to name, not a database to invent."""
    if configured:
        return configured
    if production:
        raise SettingsError(DATABASE_URL_REQUIRED)
    return start_embedded_postgres()
