"""A first `make run`: `osezia serve` gives its address only once the read models answer, and
a clean run prints no warning."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import OSEZIA, command_env, free_port, migrated

ANNOUNCED = "osezia serves GraphQL on "
QUERY = "{ companies(first: 3) { totalCount edges { node { owner } } } }"


def _announcement(log: Path, process: subprocess.Popen[bytes], seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if line.startswith(ANNOUNCED):
                return line
        if process.poll() is not None:
            raise RuntimeError(f"osezia serve exited with {process.returncode}: {log.read_text()}")
        time.sleep(0.05)
    raise TimeoutError(f"osezia serve gave no address within {seconds} s: {log.read_text()}")


def test_the_address_comes_once_the_read_models_answer(database_url: str, tmp_path: Path) -> None:
    migrated(database_url)
    env = command_env(
        DATABASE_URL=database_url, OSEZIA_PORT=str(free_port()), OSEZIA_DEV_TENANT_HEADER="1"
    )
    demo = [*OSEZIA, "demo", "--if-empty", "--companies", "300"]
    loaded = subprocess.run(demo, env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    log = tmp_path / "serve.log"

    with log.open("wb") as output:
        server = subprocess.Popen(
            [*OSEZIA, "serve"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            line = _announcement(log, server)
            address = line.removeprefix(ANNOUNCED).split()[0]
            # At once, as a developer who copies the address would: no "being built" answer.
            body = httpx.post(address, json={"query": QUERY}, headers={"X-Osezia-Tenant": "cci"})
        finally:
            server.terminate()
            server.wait(timeout=10)

    assert address == f"http://127.0.0.1:{env['OSEZIA_PORT']}/graphql"
    assert "errors" not in body.json(), body.json()
    assert body.json()["data"]["companies"]["totalCount"] > 0
    printed = log.read_text()
    assert "Uvicorn running on" not in printed  # uvicorn's own address, given before it is ready
    assert "Warning" not in printed
    assert "Warning" not in loaded.stderr + loaded.stdout
