"""How `osezia serve` starts uvicorn and says it is ready, with one process or several.

The address is printed once /readyz answers that no target's read models are still being
built, not when uvicorn starts listening (its « Uvicorn running on … » line is dropped): until
then every query would answer that they are being built. Meanwhile, which targets are still
being built is printed as it changes.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any

from osezia.store.settings import Settings

if TYPE_CHECKING:
    import uvicorn


class Announcement:
    """What the server prints while it starts, from what /readyz answers."""

    def __init__(self, address: str, processes: int = 1) -> None:
        self._address, self._processes = address, processes
        self._started = time.perf_counter()
        self._waiting: object = None  # the targets last printed as being built
        self.done = False  # the address is printed

    def observe(self, building: object) -> None:
        """/readyz's `building` (the targets whose read models are being built), or None when
        it did not answer 200."""
        if self.done:
            return
        if building == []:
            self.done = True
            took = time.perf_counter() - self._started
            several = f" with {self._processes} processes" if self._processes > 1 else ""
            print(
                f"osezia serves GraphQL on {self._address}{several} "
                f"(ready in {took:.0f} s; Ctrl+C stops it)",
                flush=True,
            )
        elif isinstance(building, list) and building and building != self._waiting:
            print(f"building the read models of {', '.join(building)}…", file=sys.stderr)
            self._waiting = building


class _NotAnnouncedByUvicorn:
    """Drops uvicorn's « Uvicorn running on … » line: the Announcement gives the address."""

    def filter(self, record: object) -> bool:
        return not str(getattr(record, "msg", "")).startswith("Uvicorn running on")


def uvicorn_config(app: Any, settings: Settings, **more: Any) -> uvicorn.Config:
    """uvicorn's configuration for `osezia serve`, one process or several (`more`: the
    factory's and the number of processes)."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # uvicorn would otherwise take a client address from X-Forwarded-For sent by
        # 127.0.0.1; osezia reads that header itself, from OSEZIA_TRUSTED_PROXIES only
        # (web/auth/peer.py).
        proxy_headers=False,
        log_config=None,  # create_app configured logging: uvicorn's lines go through it
        access_log=False,  # the request line (observability.logs) replaces uvicorn's
        **more,
    )
    # After the Config, which sets uvicorn's loggers up.
    logging.getLogger("uvicorn.error").addFilter(_NotAnnouncedByUvicorn())
    return config
