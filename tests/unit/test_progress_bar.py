"""The command's progress bar in a log: a few plain lines, never past 100 %, the last at 100 %."""

from __future__ import annotations

import contextlib
import io
import os
import pty

from hypothesis import given
from hypothesis import strategies as st

from osezia.cli.progress import ProgressLine, bar

FULL = "[" + "#" * 30 + "]"


@given(done=st.integers(0, 10**9), total=st.integers(0, 10**9))
def test_the_bar_keeps_its_width_and_never_passes_100_percent(done: int, total: int) -> None:
    text = bar(done, total, rate=None)

    inside = text[1 : text.index("]")]
    assert len(inside) == 30
    share = int(text.split("(")[1].split("%")[0])
    assert 0 <= share <= 100
    assert (share == 100) == (done >= total)
    assert (inside == "#" * 30) == (done >= total)


@given(
    total=st.integers(0, 100_000),
    steps=st.lists(st.integers(0, 100_000), max_size=200).map(sorted),
)
def test_in_a_log_it_prints_at_most_a_line_a_tenth_and_ends_at_100_percent(
    total: int, steps: list[int]
) -> None:
    log = io.StringIO()  # not a terminal, as a file or a pipe
    with contextlib.redirect_stderr(log):
        line = ProgressLine("events")
        for done in (min(step, total) for step in steps):
            line.show(done, total, rate=1000.0)

        line.finish()

    lines = log.getvalue().splitlines()
    assert 1 <= len(lines) <= 11
    assert all("\r" not in text for text in lines)
    assert lines[-1].startswith(FULL)
    assert "(100%)" in lines[-1]


def test_a_repeated_note_is_printed_once_in_a_log() -> None:
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        line = ProgressLine("events")
        for _ in range(5):
            line.note("operator: stalled since 08:00:00")
        line.note("operator: stalled since 08:01:00")

    assert log.getvalue().splitlines() == [
        "operator: stalled since 08:00:00",
        "operator: stalled since 08:01:00",
    ]


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_its_line_ends_at_100_percent() -> None:
    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w") as terminal, contextlib.redirect_stderr(terminal):
            line = ProgressLine("rows")
            for done in range(0, 101, 25):
                line.show(done, 100, rate=50.0)
            line.finish()
        drawn = _read_all(leader).split("\r\x1b[2K")
    finally:
        os.close(leader)

    assert len(drawn) >= 2  # each redraw clears the line first
    assert drawn[-1].startswith(FULL + " 100/100 rows (100%), 50 rows/s, ETA 0s")
    assert drawn[-1].endswith("\n")  # the line ends once the bar is full


def _read_all(leader: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed and everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode().replace("\r\n", "\n")
