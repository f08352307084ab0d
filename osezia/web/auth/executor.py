"""The threads that answer token requests, apart from the ones that run commands.

A token request hashes a secret (scrypt: ~40 ms and 16 MiB each) and runs authlib's synchronous
server. On the default thread pool, a flood of wrong secrets queued ahead of every command and
query of every tenant; here it queues behind threads of its own (half the cores), and only so
far: past ``MAX_WAITING`` requests admitted (running or queued), the next is answered 503 at once.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from osezia.web.auth.errors import TokenRequestError

P = ParamSpec("P")
T = TypeVar("T")

# Half the machine's cores at most hash secrets (scrypt holds a core for its whole run): a flood
# of wrong secrets leaves the other half to every tenant's queries and commands.
THREADS = max(1, (os.cpu_count() or 2) // 2)
THREAD_PREFIX = "oauth"
# One thread checks ~25 secrets a second: 32 admitted requests wait under 1.5 s, and a flood
# beyond that costs a counter increment each instead of a queue that grows without end.
MAX_WAITING = 32
RETRY_AFTER = 1  # seconds


class TokenExecutor:
    """A bounded executor owned by the Authority: `run` a function on it, or be refused."""

    def __init__(self, *, threads: int = THREADS, max_waiting: int = MAX_WAITING) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=THREAD_PREFIX)
        self._max_waiting = max_waiting
        self._admitted = 0  # touched on the event loop only, so no lock is needed

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``function(*args, **kwargs)`` on one of the executor's threads.

        Raises TokenRequestError(`temporarily_unavailable`) when ``max_waiting`` requests are
        already admitted: the caller answers 503 with Retry-After rather than queueing forever.
        """
        if self._admitted >= self._max_waiting:
            raise TokenRequestError(
                "temporarily_unavailable",
                "too many token requests are waiting: retry in a moment",
                retry_after=RETRY_AFTER,
            )
        self._admitted += 1
        try:
            loop = asyncio.get_running_loop()
            call = functools.partial(function, *args, **kwargs)
            return await loop.run_in_executor(self._pool, call)
        finally:
            self._admitted -= 1

    def close(self) -> None:
        """Start no queued request; the running ones finish on their own threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)
