"""`osezia serve --workers N`: N API processes sharing one socket, under uvicorn's supervisor.

Each process builds its own application (osezia.web.processes); what they must share lives
where all of them see it: the read models and registered documents in the database, rate-limit
counts in Redis, metrics in prometheus-client's multiprocess directory. Without Redis, the
projections run in one of the processes only (osezia.workers.leader).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from osezia.store.settings import Settings

READY_POLL_SECONDS = 0.2
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def serve_processes(settings: Settings, database_url: str, address: str, workers: int) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from osezia.cli.serve import _NotAnnouncedByUvicorn
    from osezia.web.metrics import MULTIPROCESS_DIRECTORY as METRICS_DIRECTORY

    # The processes read their settings from the environment, as the parent resolved them.
    os.environ["DATABASE_URL"] = database_url
    os.environ["OSEZIA_HOST"], os.environ["OSEZIA_PORT"] = settings.host, str(settings.port)
    given = os.environ.get(METRICS_DIRECTORY)
    metrics = _fresh_directory(Path(given)) if given else Path(tempfile.mkdtemp("-osezia-metrics"))
    os.environ[METRICS_DIRECTORY] = str(metrics)
    config = uvicorn.Config(
        "osezia.web.processes:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
        proxy_headers=False,  # as `osezia serve` (osezia reads X-Forwarded-For itself)
        log_config=None,
        access_log=False,
    )
    logging.getLogger("uvicorn.error").addFilter(_NotAnnouncedByUvicorn())
    socket = config.bind_socket()
    host = _ANY_ADDRESS.get(settings.host, settings.host)
    probe = f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"
    announcing = threading.Thread(
        target=_announce, args=(probe, address, workers), name="announce", daemon=True
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


def _announce(probe: str, address: str, workers: int) -> None:
    """The address, printed once /readyz says that no read models are still being built."""
    started = time.perf_counter()
    waiting: list[str] | None = None
    while True:
        try:
            with urllib.request.urlopen(f"{probe}/readyz", timeout=2) as answer:
                building = json.loads(answer.read()).get("building")
        except (OSError, ValueError):  # not listening yet, or 503 while starting
            building = None
        if building == []:
            took = time.perf_counter() - started
            print(
                f"osezia serves GraphQL on {address} with {workers} processes "
                f"(ready in {took:.0f} s; Ctrl+C stops it)"
            )
            sys.stdout.flush()
            return
        if building and building != waiting:
            print(f"building the read models of {', '.join(building)}…", file=sys.stderr)
            waiting = building
        time.sleep(READY_POLL_SECONDS)
