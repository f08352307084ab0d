"""The image's healthcheck probes the role its container runs, on that role's own port."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from osezia.observability.healthcheck import PROJECTOR_PORT, WORKER_PORT, probe_url
from tests.e2e.conftest import command_env, free_port, migrated, serving

LOCAL = "http://127.0.0.1"
HEALTHCHECK = [sys.executable, "-m", "osezia.observability.healthcheck"]


def test_each_role_is_probed_on_its_own_port() -> None:
    python = ["/usr/local/bin/python", "/usr/local/bin/osezia"]
    assert probe_url([*python, "serve"], {}) == "http://127.0.0.1:8000/healthz"
    assert probe_url([*python, "serve"], {"OSEZIA_PORT": "8080"}) == f"{LOCAL}:8080/healthz"
    assert (
        probe_url([*python, "serve", "--port", "9000"], {"OSEZIA_PORT": "8080"})
        == f"{LOCAL}:9000/healthz"
    )
    assert probe_url([*python, "project"], {}) == f"{LOCAL}:{PROJECTOR_PORT}/healthz"
    assert probe_url([*python, "worker"], {}) == f"{LOCAL}:{WORKER_PORT}/healthz"
    assert (
        probe_url([*python, "worker"], {"OSEZIA_METRICS_PORT": "9200"}) == f"{LOCAL}:9200/healthz"
    )
    # One-shot commands have no port: healthy while they run.
    assert probe_url([*python, "migrate"], {}) is None


def test_the_healthcheck_passes_on_a_serving_api_and_fails_once_it_stops(
    database_url: str, tmp_path: Path
) -> None:
    migrated(database_url)
    port = free_port()
    env = command_env(DATABASE_URL=database_url, OSEZIA_PORT=str(port))
    with serving(database_url, tmp_path / "serve.log", port=port):
        serve_pid = _pid_listening_on(port)
        healthy = subprocess.run([*HEALTHCHECK, "--pid", str(serve_pid)], env=env, check=False)
        assert healthy.returncode == 0
        # The same check from a container whose first process is the projector probes 9101
        # or OSEZIA_METRICS_PORT, where nothing listens here: unhealthy.
        idle = str(free_port())
        projector = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(30)", "project"], env=env
        )
        try:
            refused = subprocess.run(
                [*HEALTHCHECK, "--pid", str(projector.pid)],
                env={**env, "OSEZIA_METRICS_PORT": idle},
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            projector.kill()
            projector.wait()
        assert refused.returncode == 1
        assert f"127.0.0.1:{idle}/healthz" in refused.stderr
    stopped = subprocess.run(
        [*HEALTHCHECK, "--pid", str(serve_pid)], env=env, capture_output=True, text=True
    )
    assert stopped.returncode == 1
    assert "Traceback" not in stopped.stderr


def _pid_listening_on(port: int) -> int:
    """The `osezia serve` child that `serving` started on this port."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            words = (proc / "cmdline").read_bytes().split(b"\0")
            env = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in words and f"OSEZIA_PORT={port}".encode() in env:
            return int(proc.name)
    raise AssertionError(f"no osezia serve process on port {port}")
