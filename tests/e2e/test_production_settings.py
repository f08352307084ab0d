"""In production the `osezia` command never guesses: with no DATABASE_URL it refuses to start,
naming it, instead of starting an embedded PostgreSQL; an empty REDIS_URL is named too."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from osezia.store.keys_setup import KEYS_URL_REQUIRED
from tests.e2e.conftest import OSEZIA, command_env, free_port

COMMANDS = [
    ["migrate"],
    ["serve"],
    ["project"],
    ["worker"],
    ["rebuild", "cci"],
    ["tenants", "list"],
    ["clients", "list", "cci"],
    ["keys", "list"],
    ["decisions", "00000000-0000-0000-0000-000000000000"],
    ["import", "trainings", __file__],
]
PRODUCTION = {"OSEZIA_ENV": "production", "OSEZIA_PUBLIC_URL": "https://osezia.example.gouv.fr"}


def _processes_naming(directory: Path) -> list[str]:
    """The command lines of running processes that mention this directory (a PostgreSQL
    server started on a data directory under it would)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        if str(directory) in text:
            found.append(text)
    return found


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_production_without_database_url_refuses_every_command_naming_it(
    command: list[str], tmp_path: Path
) -> None:
    # The embedded server's data directory would be under these (platformdirs on Linux).
    homes = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}

    run = subprocess.run(
        [*OSEZIA, *command],
        env=command_env(**PRODUCTION, **homes),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "osezia: DATABASE_URL is required with OSEZIA_ENV=production: the embedded PostgreSQL "
        "is for development only"
    ]
    assert run.stdout == ""
    assert not (tmp_path / "data").exists()
    assert _processes_naming(tmp_path) == []


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["worker"], ["tenants", "list"]])
@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_redis_url_is_a_settings_error_in_one_line(command: list[str], empty: str) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/osezia"  # never reached

    run = subprocess.run(
        [*OSEZIA, *command],
        env=command_env(DATABASE_URL=url, REDIS_URL=empty),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "osezia: REDIS_URL is set but empty: unset it or give a redis:// URL"
    ]


def test_production_with_database_url_goes_on_to_the_database() -> None:
    """The refusal is about the missing setting only: given DATABASE_URL, production starts and
    reaches for that database (here one that does not answer)."""
    port = free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}/osezia"

    run = subprocess.run(
        [*OSEZIA, "tenants", "list"],
        env=command_env(**PRODUCTION, DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 3
    assert "DATABASE_URL is required" not in run.stderr
    assert f"the database does not answer (127.0.0.1:{port}/osezia)" in run.stderr


def test_alembic_run_directly_in_production_without_database_url_starts_no_database(
    tmp_path: Path,
) -> None:
    homes = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    alembic = str(Path(OSEZIA[0]).parent / "alembic")

    run = subprocess.run(
        [alembic, "upgrade", "head"],
        env=command_env(**PRODUCTION, **homes),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )

    assert run.returncode != 0
    assert "DATABASE_URL is required with OSEZIA_ENV=production" in run.stderr
    assert not (tmp_path / "data").exists()
    assert _processes_naming(tmp_path) == []


def test_production_serve_without_a_key_store_refuses_to_start_naming_it(database_url: str) -> None:
    """Checked when `osezia serve` starts, not at the first personal field it reads or writes."""
    run = subprocess.run(
        [*OSEZIA, "serve", "--port", str(free_port())],
        env=command_env(**PRODUCTION, DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"osezia: {KEYS_URL_REQUIRED}"]
    assert run.stdout == ""
