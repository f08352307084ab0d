"""`osezia clients rotate` against `osezia serve`: the new secret works at once, the old one for
the overlap asked and then never again."""

from __future__ import annotations

import re
import subprocess
import time

from tests.e2e.conftest import OSEZIA, command_env, request_token


def osezia(database_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OSEZIA, *arguments],
        env=command_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )


def printed(output: str, name: str) -> str:
    found = re.search(rf"^{name}:\s+(\S+)$", output, re.MULTILINE)
    assert found is not None, output
    return found.group(1)


def a_client(database_url: str) -> tuple[str, str]:
    created = osezia(database_url, "clients", "create", "cci", "--role", "officer", "--name", "r")
    assert created.returncode == 0, created.stderr
    return printed(created.stdout, "client_id"), printed(created.stdout, "client_secret")


def rotate(database_url: str, client_id: str, overlap: str) -> str:
    rotated = osezia(database_url, "clients", "rotate", client_id, "--overlap", overlap)
    assert rotated.returncode == 0, rotated.stderr
    assert "shown only this once" in rotated.stdout
    return printed(rotated.stdout, "client_secret")


def test_with_no_overlap_the_old_secret_stops_at_once(server: str, database_url: str) -> None:
    client_id, old = a_client(database_url)
    assert request_token(server, client_id, old).status_code == 200

    new = rotate(database_url, client_id, "0")

    assert request_token(server, client_id, old).status_code == 401
    assert request_token(server, client_id, new).status_code == 200


def test_the_old_secret_works_during_the_overlap_then_stops(server: str, database_url: str) -> None:
    client_id, old = a_client(database_url)

    new = rotate(database_url, client_id, "3")
    during = request_token(server, client_id, old).status_code
    time.sleep(3.5)  # past the overlap's end, whatever the command took
    after = request_token(server, client_id, old).status_code

    assert (during, after) == (200, 401)
    assert request_token(server, client_id, new).status_code == 200


def test_rotating_prints_until_when_the_old_secret_works(database_url: str, server: str) -> None:
    client_id, _ = a_client(database_url)

    rotated = osezia(database_url, "clients", "rotate", client_id)

    assert rotated.returncode == 0, rotated.stderr
    assert "the previous secret works until 20" in rotated.stdout


def test_a_negative_overlap_or_an_unknown_client_is_refused(database_url: str, server: str) -> None:
    negative = osezia(database_url, "clients", "rotate", "0" * 32, "--overlap", "-5")
    unknown = osezia(database_url, "clients", "rotate", "0" * 32, "--overlap", "5")

    assert negative.returncode == 2
    assert "--overlap" in negative.stderr
    assert unknown.returncode == 2
    assert "NOT_FOUND" in unknown.stderr
