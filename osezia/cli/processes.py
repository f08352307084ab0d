"""`osezia serve --workers N`: N API processes sharing one socket, under uvicorn's supervisor.

Each process builds its own application (osezia.web.processes); what they must share lives
where all of them see it: the read models and registered documents in the database, rate-limit
counts in Redis, metrics in prometheus-client's multiprocess directory. Without Redis, the
projections run in one of the processes only (osezia.workers.leader).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from osezia.cli.serve_ready import Announcement, uvicorn_config
from osezia.store.settings import Settings

READY_POLL_SECONDS = 0.2
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def serve_processes(settings: Settings, database_url: str, address: str, workers: int) -> int:
    from uvicorn.supervisors import Multiprocess

    from osezia.web.metrics import MULTIPROCESS_DIRECTORY as METRICS_DIRECTORY

    # The processes read their settings from the environment, as the parent resolved them.
    os.environ["DATABASE_URL"] = database_url
    os.environ["OSEZIA_HOST"], os.environ["OSEZIA_PORT"] = settings.host, str(settings.port)
    given = os.environ.get(METRICS_DIRECTORY)
    metrics = _fresh_directory(Path(given)) if given else Path(tempfile.mkdtemp("-osezia-metrics"))
    os.environ[METRICS_DIRECTORY] = str(metrics)
    config = uvicorn_config(
        "osezia.web.processes:app_from_environment", settings, factory=True, workers=workers
    )
    socket = config.bind_socket()
    host = _ANY_ADDRESS.get(settings.host, settings.host)
    probe = f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"
    announcing = threading.Thread(
        target=_announce, args=(probe, Announcement(address, workers)), name="announce", daemon=True
    )
    announcing.start()
    try:
        Multiprocess(config, sockets=[socket]).run()
    finally:
        socket.close()
        if not given:
            shutil.rmtree(metrics, ignore_errors=True)
    return 0


def _fresh_directory(path: Path) -> Path:
    """prometheus-client's directory, emptied: counts of an earlier run would add up."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    return path


def _announce(probe: str, announcement: Announcement) -> None:
    """Asks the processes' /readyz until the address is announced."""
    while not announcement.done:
        try:
            with urllib.request.urlopen(f"{probe}/readyz", timeout=2) as answer:
                building = json.loads(answer.read()).get("building")
        except (OSError, ValueError):  # not listening yet, or 503 while starting
            building = None
        announcement.observe(building)
        if not announcement.done:
            time.sleep(READY_POLL_SECONDS)
