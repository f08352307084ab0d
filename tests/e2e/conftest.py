"""End-to-end tests start the real `osezia` command on a loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import KeySet, RSAKey

from osezia.tenants.clients.application import Clients
from tests.conftest import truncate_history

OSEZIA = [sys.executable, "-m", "osezia.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"osezia serve exited with {process.returncode}")
        try:
            ready = httpx.get(f"{base_url}/readyz", timeout=1)
            if ready.status_code == 200 and not ready.json()["building"]:  # read models built
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"osezia serve was not ready at {base_url} within {seconds}s")


def command_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(extra)
    return env


def migrated(database_url: str) -> None:
    """An empty history, migrated as `osezia migrate` does it."""
    truncate_history(database_url)
    env = command_env(DATABASE_URL=database_url)
    subprocess.run([*OSEZIA, "migrate"], env=env, check=True, capture_output=True)


@contextmanager
def serving(
    database_url: str, log_path: Path, *, port: int | None = None, **settings: str
) -> Iterator[str]:
    """`osezia serve` on a loopback port, with these settings, until the block ends; yields its
    base URL once it is ready. Its output goes to `log_path`."""
    port = port or free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*OSEZIA, "serve"],
            env=command_env(DATABASE_URL=database_url, OSEZIA_PORT=str(port), **settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(base_url, process)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`osezia serve` against the test database, from an empty history; yields its base URL."""
    migrated(database_url)
    with serving(database_url, tmp_path_factory.mktemp("serve") / "serve.log") as base_url:
        yield base_url


@dataclass(frozen=True)
class Provider:
    """An OpenID Connect provider as osezia sees it: an issuer and the JWKS it serves."""

    issuer: str
    jwks_url: str
    key: RSAKey


class _JWKS(BaseHTTPRequestHandler):
    document = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.document)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """A provider serving its JWKS on a loopback port; tokens are signed with its key."""
    key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig"}, private=True)
    handler = type("Handler", (_JWKS,), {"document": json.dumps(KeySet([key]).as_dict()).encode()})
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield Provider(
            "https://idp.example.test/realms/osezia",
            f"http://127.0.0.1:{http.server_address[1]}/jwks.json",
            key,
        )
    finally:
        http.shutdown()
        http.server_close()
        thread.join()


def request_token(api: str, client_id: str, secret: str, **form: str) -> httpx.Response:
    return httpx.post(
        f"{api}/oauth/token",
        data={"grant_type": "client_credentials", **form},
        auth=(client_id, secret),
        timeout=10,
    )


def secret_client(clients: Clients, tenant: str, role: str = "officer") -> tuple[str, str]:
    client_id, secret = clients.create_client(tenant, role=role, name=f"e2e {role}")
    assert secret is not None
    return client_id, secret


def access_token(api: str, clients: Clients, tenant: str, role: str = "officer") -> str:
    response = request_token(api, *secret_client(clients, tenant, role))
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token
