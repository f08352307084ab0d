"""Writing batches on a writer thread while the caller reads and checks the next one, so that
PostgreSQL's work (COPY, index upkeep, commit) runs on another core than the parsing."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
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


# Allocations between two collections of the youngest objects while a bulk writer runs.
BULK_YOUNG = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Inside the block, the youngest objects are collected every BULK_YOUNG allocations
    rather than every 700: a bulk import makes a dozen short-lived objects a row, and
    collecting them as often as by default took a sixth of the import's CPU
    (bench/import.py)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(BULK_YOUNG, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
