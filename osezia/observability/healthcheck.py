"""The image's healthcheck: probe the /healthz of whichever role this container runs.

One image runs `osezia serve`, `osezia project` or `osezia worker`; Docker's HEALTHCHECK is the
image's, so it reads the role from the container's first process and probes that role's own
port. A one-shot command (`osezia migrate`…) has nothing to probe and is healthy while it runs.

    python -m osezia.observability.healthcheck [--pid PID]

PID (1 by default) is the process whose role is probed, with this process's environment.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

# Where `osezia project` and `osezia worker` serve /metrics and /healthz unless
# OSEZIA_METRICS_PORT says otherwise; the API serves its own on OSEZIA_PORT.
PROJECTOR_PORT = 9101
WORKER_PORT = 9102
ROLE_PORTS = {"project": PROJECTOR_PORT, "worker": WORKER_PORT}
TIMEOUT = 3.0  # seconds, as Docker's --timeout


def probe_url(command: Sequence[str], env: Mapping[str, str]) -> str | None:
    """The /healthz address of the role ``command`` runs, or None for a one-shot command."""
    words = [Path(word).name for word in command]
    role = next((w for w in words if w in ("serve", *ROLE_PORTS)), None)
    if role is None:
        return None
    if role == "serve":
        port = _option(command, "--port") or env.get("OSEZIA_PORT") or "8000"
    else:
        port = env.get("OSEZIA_METRICS_PORT") or str(ROLE_PORTS[role])
    return f"http://127.0.0.1:{int(port)}/healthz"


def _option(command: Sequence[str], name: str) -> str | None:
    for i, word in enumerate(command):
        if word == name and i + 1 < len(command):
            return command[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    pid = int(_option(arguments, "--pid") or 1)
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        print(f"unhealthy: no process {pid}", file=sys.stderr)
        return 1
    url = probe_url([word for word in command if word], os.environ)
    if url is None:
        return 0
    if healthy(url):
        return 0
    print(f"unhealthy: {url}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
