"""Wrong settings and an unreachable database get one clear line, never a stack trace."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from osezia.projections.migrations import migrate
from tests.e2e.conftest import OSEZIA, command_env, free_port, migrated
from tests.services import fresh_database

# Every command that works on the database, as an operator would type it.
COMMANDS = [
    ["serve"],
    ["migrate"],
    ["project"],
    ["worker"],
    ["rebuild", "cci"],
    ["rebuild", "cci", "--cancel"],
    ["tenants", "list"],
    ["tenants", "add", "cma", "--name", "CMA France"],
    ["clients", "list", "cci"],
    ["clients", "create", "cci", "--role", "officer", "--name", "BI"],
    ["keys", "list"],
    ["keys", "rotate"],
    ["demo"],
    ["import", "trainings", __file__],
]
# Not a speed measurement: a command that waited for a connection pool's timeout (30 s) before
# failing would pass any bound under it; the command's own start-up (imports of a few seconds
# on a busy machine) stays well within this one.
WITHIN_SECONDS = 20


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL must start with postgresql://"),
        ("OSEZIA_PORT", "eighty", "OSEZIA_PORT must be a TCP port"),
        ("OSEZIA_ENV", "staging", "OSEZIA_ENV must be"),
    ],
)
def test_a_wrong_setting_is_named_at_start(setting: str, value: str, says: str) -> None:
    run = subprocess.run(
        [*OSEZIA, "migrate"], env=command_env(**{setting: value}), capture_output=True, text=True
    )

    assert run.returncode == 2
    assert says in run.stderr
    assert "Traceback" not in run.stderr


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port whose connections the kernel accepts but nobody answers: a database host that
    hangs, as one behind a dropped route or a stuck server does."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield int(listener.getsockname()[1])


def _run(command: list[str], url: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = command_env(DATABASE_URL=url, REDIS_URL="redis://127.0.0.1:1/0")
    started = time.monotonic()
    run = subprocess.run([*OSEZIA, *command], env=env, capture_output=True, text=True, timeout=60)
    return run, time.monotonic() - started


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_closed_port_fails_every_command_at_once_in_one_line(command: list[str]) -> None:
    port = free_port()

    run, seconds = _run(command, f"postgresql://postgres:secret@127.0.0.1:{port}/osezia")

    assert run.returncode == 3
    assert seconds < WITHIN_SECONDS
    assert run.stderr.splitlines() == [
        f"osezia: the database does not answer (127.0.0.1:{port}/osezia): connection failed: "
        f'connection to server at "127.0.0.1", port {port} failed: Connection refused'
    ]
    assert "secret" not in run.stderr + run.stdout
    assert "osezia serves" not in run.stdout  # serve announces nothing it will not serve


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_host_that_does_not_answer_fails_every_command_within_seconds(
    command: list[str], silent_port: int
) -> None:
    run, seconds = _run(command, f"postgresql://postgres@127.0.0.1:{silent_port}/osezia")

    assert run.returncode == 3
    assert seconds < WITHIN_SECONDS
    assert run.stderr.splitlines() == [
        f"osezia: the database does not answer (127.0.0.1:{silent_port}/osezia): "
        "connection timeout expired"
    ]


def test_serve_without_its_roles_says_to_migrate_in_one_line(postgres_admin: str) -> None:
    with fresh_database(postgres_admin) as url:
        migrate(url, "0004")  # the tables of a release before the roles, and no role

        run, seconds = _run(["serve"], url)

    assert run.returncode == 3
    assert seconds < WITHIN_SECONDS
    assert len(run.stderr.splitlines()) == 1
    assert "the API cannot log in as its reader role (`osezia migrate` creates it)" in run.stderr
    assert "osezia serves" not in run.stdout


@pytest.mark.parametrize("command", [["rebuild", "cci"], ["project"]], ids=" ".join)
def test_a_redis_that_does_not_answer_is_one_line(command: list[str], database_url: str) -> None:
    migrated(database_url)
    port = free_port()
    env = command_env(DATABASE_URL=database_url, REDIS_URL=f"redis://:secret@127.0.0.1:{port}/0")

    run = subprocess.run([*OSEZIA, *command], env=env, capture_output=True, text=True, timeout=60)

    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-1].startswith(
        f"osezia: Redis does not answer (127.0.0.1:{port}): "
    )
    assert "secret" not in run.stderr
