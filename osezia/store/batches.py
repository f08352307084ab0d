"""Writing batches on a writer thread while the caller reads and checks the next one, so that
PostgreSQL's work (COPY, index upkeep, commit) runs on another core than the parsing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def pipelined(batches: Iterable[list[T]], write: Callable[[list[T]], R]) -> Iterator[R]:
    """What ``write`` returns for each batch, in order. A batch is written while the next is
    read; batches are still written one after the other, each once the previous one is done."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import") as writer:
        writing: Future[R] | None = None
        for batch in batches:
            if writing is not None:
                yield writing.result()
            writing = writer.submit(write, batch)
        if writing is not None:
            yield writing.result()
