"""The `osezia` command as an operator scripts it: --version, --help everywhere, JSON lists, a
non-zero exit on an unknown tenant, `serve --host/--port`, and a progress bar a log can read."""

from __future__ import annotations

import argparse
import json
import os
import pty
import subprocess
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from osezia.cli import build_parser
from tests.e2e.conftest import OSEZIA, command_env, free_port, wait_until_ready
from tests.services import fresh_database


def _osezia(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*OSEZIA, *arguments], env=command_env(**env), capture_output=True, text=True, timeout=120
    )


def _command_paths(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str | None]]:
    """Every subcommand under `parser`: its words, its parser and the help its parent lists."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), sub, helps.get(name)
                yield from _command_paths(sub, (*path, name))


SUBCOMMANDS = [words for words, _, _ in _command_paths(build_parser())]


@pytest.fixture(scope="module")
def migrated_url(postgres_admin: str) -> Iterator[str]:
    """A database of this module's own, migrated by `osezia migrate`, with a small demo."""
    with fresh_database(postgres_admin) as url:
        for command in (["migrate"], ["demo", "--companies", "300"]):
            run = _osezia(*command, DATABASE_URL=url)
            assert run.returncode == 0, run.stderr
        yield url


def test_version_prints_the_installed_release() -> None:
    run = _osezia("--version")

    assert run.returncode == 0
    assert run.stdout == f"osezia {version('osezia')}\n"


def test_every_subcommand_is_described_to_its_parent() -> None:
    undescribed = [" ".join(words) for words, _, help in _command_paths(build_parser()) if not help]

    assert SUBCOMMANDS  # the walk found the tree
    assert undescribed == []


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_answers_help(words: tuple[str, ...]) -> None:
    run = _osezia(*words, "--help")

    assert run.returncode == 0
    assert run.stdout.startswith(f"usage: osezia {' '.join(words)}")
    assert run.stderr == ""


def _text_rows(stdout: str) -> list[list[str]]:
    return [line.split() for line in stdout.splitlines()]


def test_tenants_list_in_json_holds_what_the_text_shows(migrated_url: str) -> None:
    text = _osezia("tenants", "list", DATABASE_URL=migrated_url)
    listed = _osezia("tenants", "list", "--json", DATABASE_URL=migrated_url)

    assert listed.returncode == 0
    rows = json.loads(listed.stdout)
    assert {row["slug"] for row in rows} >= {"operator", "bpifrance", "cci", "inria"}
    assert [[r["slug"], r["status"], r["region"], *r["name"].split()] for r in rows] == _text_rows(
        text.stdout
    )


def test_clients_list_in_json_holds_what_the_text_shows(migrated_url: str) -> None:
    created = _osezia(
        "clients",
        "create",
        "cci",
        "--role",
        "officer",
        "--name",
        "BI Bretagne",
        DATABASE_URL=migrated_url,
    )
    assert created.returncode == 0, created.stderr
    client_id = created.stdout.split("client_id:")[1].split()[0]

    text = _osezia("clients", "list", "cci", DATABASE_URL=migrated_url)
    listed = _osezia("clients", "list", "cci", "--json", DATABASE_URL=migrated_url)

    assert listed.returncode == 0
    rows = json.loads(listed.stdout)
    assert {
        "client_id": client_id,
        "status": "ACTIVE",
        "role": "officer",
        "method": "client_secret_basic",
        "name": "BI Bretagne",
    } in rows
    shown = [
        [r["client_id"], r["status"], r["role"], r["method"], *r["name"].split()] for r in rows
    ]
    assert shown == _text_rows(text.stdout)


def test_keys_list_in_json_holds_what_the_text_shows(migrated_url: str) -> None:
    for _ in range(2):
        assert _osezia("keys", "rotate", DATABASE_URL=migrated_url).returncode == 0

    text = _osezia("keys", "list", DATABASE_URL=migrated_url)
    listed = _osezia("keys", "list", "--json", DATABASE_URL=migrated_url)

    assert listed.returncode == 0
    rows = json.loads(listed.stdout)
    assert len(rows) >= 2
    assert [row["until"] for row in rows].count("current") == 1
    assert [[r["kid"], r["created_at"], r["until"]] for r in rows] == _text_rows(text.stdout)


@pytest.mark.parametrize(
    "command",
    [
        ["rebuild", "unknown-tenant"],
        ["tenants", "suspend", "nowhere", "--reason", "a test"],
        ["tenants", "offboard", "nowhere", "--reason", "a test"],
        ["tenants", "add", "newcomer", "--name", "Newcomer", "--like", "nowhere"],
        ["clients", "list", "nowhere"],
        ["clients", "create", "nowhere", "--role", "officer", "--name", "BI"],
        ["import", "trainings", __file__, "--tenant", "nowhere"],
    ],
    ids=" ".join,
)
def test_an_unknown_tenant_exits_non_zero_in_one_line(
    command: list[str], migrated_url: str
) -> None:
    run = _osezia(*command, DATABASE_URL=migrated_url)

    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1
    assert "nowhere" in run.stderr or "unknown-tenant" in run.stderr
    assert "Traceback" not in run.stderr


def test_serve_listens_where_host_and_port_say(migrated_url: str, tmp_path: Path) -> None:
    port, elsewhere = free_port(), free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*OSEZIA, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=command_env(DATABASE_URL=migrated_url, OSEZIA_PORT=str(elsewhere)),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_ready(f"http://127.0.0.1:{port}", process)
        finally:
            process.terminate()
            process.wait(timeout=10)

    assert f"osezia serves GraphQL on http://127.0.0.1:{port}/graphql" in log.read_text()


def test_serve_refuses_a_port_that_is_not_one() -> None:
    run = _osezia("serve", "--port", "70000")

    assert run.returncode == 2
    assert "'70000' is not a TCP port" in run.stderr


def test_the_progress_bar_prints_plain_lines_up_to_100_percent_in_a_log(
    migrated_url: str,
) -> None:
    run = _osezia("rebuild", "platform", DATABASE_URL=migrated_url)

    assert run.returncode == 0, run.stderr
    assert "\r" not in run.stderr
    bars = [line for line in run.stderr.splitlines() if line.startswith("[")]
    assert bars
    assert bars[-1].startswith("[" + "#" * 30 + "] ")
    assert "(100%)" in bars[-1]
    done, total = bars[-1].split()[1].split("/")
    assert done == total
    assert run.stdout.splitlines()[-1].startswith("platform: version ")


def test_the_progress_bar_clears_its_line_and_ends_at_100_percent_on_a_terminal(
    migrated_url: str,
) -> None:
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [*OSEZIA, "rebuild", "platform"],
            env=command_env(DATABASE_URL=migrated_url),
            stdout=subprocess.PIPE,
            stderr=follower,
        )
        os.close(follower)
        terminal = _read_all(leader)  # until the command closes its terminal
        stdout, _ = process.communicate(timeout=120)
    finally:
        os.close(leader)

    assert process.returncode == 0, terminal
    drawn = terminal.split("\r\x1b[2K")
    assert len(drawn) >= 2  # each redraw clears the line first
    assert drawn[-1].startswith("[" + "#" * 30 + "] ")
    assert "(100%)" in drawn[-1]
    assert drawn[-1].endswith("\n")  # the line ends once the bar is full
    assert b"platform: version " in stdout


def _read_all(leader: int) -> str:
    """What the command wrote to its terminal, up to its end (EIO once the other end closed)."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode().replace("\r\n", "\n")
