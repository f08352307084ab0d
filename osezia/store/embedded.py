"""An embedded PostgreSQL, shipped as a wheel, for machines with no DATABASE_URL.

It keeps running after the command that started it, so that the next command finds the same
data: `python -m osezia.store.embedded stop` stops it (the data stays; the next command starts
it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import platformdirs

from osezia.store.settings import DATABASE_URL_REQUIRED, SettingsError

EMBEDDED_NOT_INSTALLED = (
    "DATABASE_URL is not set and the embedded PostgreSQL is not installed (the production "
    "image leaves it out): set DATABASE_URL, or install osezia[embedded]"
)

# pgserver runs PostgreSQL as this user when started by root (PostgreSQL refuses root).
_ROOT_RUNS_AS = "pgserver"


class EmbeddedError(Exception):
    """The embedded server did not do what it was asked."""


def data_directory() -> Path:
    return Path(platformdirs.user_data_dir("osezia")) / "postgresql"


@contextlib.contextmanager
def _without_runtime_dir_warning() -> Iterator[None]:
    """pgserver keeps its lock in the user's runtime directory; where XDG_RUNTIME_DIR is not set
    (a container, a root shell), platformdirs warns that it uses /tmp/runtime-<uid> instead,
    which serves as well: a first run prints no warning for it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", platformdirs.api.RuntimeDirWarning)
        yield


# pgserver tells at INFO every command it runs and every handle it lets go (at exit too): its
# warnings and errors are the lines worth a developer's eye.
logging.getLogger("pgserver").setLevel(logging.WARNING)


def start_embedded_postgres(directory: Path | None = None) -> str:
    """Start (or join) the embedded server and return its URL.

    The server keeps running after this process ends, so the next command finds the same data;
    pgserver shares one server between the processes that use the same directory.
    """
    with _without_runtime_dir_warning():
        try:
            import pgserver  # imported late: only machines without DATABASE_URL need it
        except ImportError:
            raise SettingsError(EMBEDDED_NOT_INSTALLED) from None

        path = directory or data_directory()
        path.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(path, cleanup_mode=None)
        return str(server.get_uri())


def stop_embedded_postgres(directory: Path | None = None) -> bool:
    """Stop the embedded server if it runs (a fast shutdown: open sessions are ended); whether
    it was running. Its data stays for the next command, which starts it again."""
    with _without_runtime_dir_warning():
        from pgserver._commands import POSTGRES_BIN_PATH
        from pgserver.postgres_server import PostgresServer
        from pgserver.utils import PostmasterInfo, ensure_prefix_permissions

        path = directory or data_directory()
        if not path.is_dir():
            return False
        with PostgresServer._lock:  # the lock pgserver's processes take to start or join it
            running = PostmasterInfo.read_from_pgdata(path)
            if running is None or not running.is_running():
                return False
            runs_as = None
            if os.geteuid() == 0:
                # The server's user must reach the directory, as when pgserver started it (a
                # parent may have been made private since: pytest does it to its own).
                ensure_prefix_permissions(path)
                runs_as = _ROOT_RUNS_AS
            stopping = subprocess.run(
                [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(path), "-w", "-m", "fast", "stop"],
                capture_output=True,
                text=True,
                user=runs_as,
            )
            if stopping.returncode != 0:
                raise EmbeddedError(f"pg_ctl could not stop it: {stopping.stderr.strip()}")
            # The processes that joined it are gone with it: the next one starts it afresh.
            (path / ".handle_pids.json").unlink(missing_ok=True)
        return True


def resolve_database_url(configured: str | None, *, production: bool = False) -> str:
    """DATABASE_URL when set, else the embedded server's URL; never in production, where a
    missing DATABASE_URL is a mistake to name, not a database to invent."""
    if configured:
        return configured
    if production:
        raise SettingsError(DATABASE_URL_REQUIRED)
    return start_embedded_postgres()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m osezia.store.embedded stop`: stop the embedded PostgreSQL `make run` started."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments != ["stop"]:
        print("usage: python -m osezia.store.embedded stop", file=sys.stderr)
        return 2
    path = data_directory()
    try:
        stopped = stop_embedded_postgres(path)
    except EmbeddedError as error:
        print(f"osezia: the embedded PostgreSQL ({path}): {error}", file=sys.stderr)
        return 1
    if stopped:
        print(f"the embedded PostgreSQL ({path}) is stopped; its data stays")
    else:
        print(f"the embedded PostgreSQL ({path}) was not running")
    return 0


if __name__ == "__main__":
    sys.exit(main())
