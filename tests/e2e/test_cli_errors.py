"""Wrong settings and an unreachable database get one clear line, never a stack trace."""

from __future__ import annotations

import subprocess

import pytest

from tests.e2e.conftest import OSEZIA, command_env, free_port


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


def test_an_unreachable_database_is_reported_in_one_line() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/osezia"

    run = subprocess.run(
        [*OSEZIA, "migrate"], env=command_env(DATABASE_URL=url), capture_output=True, text=True
    )

    assert run.returncode == 3
    assert "the database does not answer" in run.stderr
    assert "Traceback" not in run.stderr
