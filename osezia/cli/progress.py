"""The progress bar of a long command, on stderr: tqdm's on a terminal, plain lines in a log.

On a terminal the bar is redrawn in place, clearing its line each time, and ends at 100 % on a
line of its own. In a log or a pipe, where a carriage return makes one unreadable line, it
prints a plain line each tenth of the way, and the last one at 100 %.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm  # type: ignore[import-untyped]

WIDTH = 30

# Erases the whole line before each redraw: tqdm pads over its own last drawing only, and a
# note or another program's output may have left a longer tail.
_CLEAR_LINE = "\x1b[2K"

# tqdm draws the bar and the count; the share, the speed and the ETA are the plain line's, as
# the caller measured them (a rebuild waited for reports the speed of the worker that runs it).
_TERMINAL_FORMAT = _CLEAR_LINE + "[{bar:" + str(WIDTH) + "}] {n:,}/{total:,} {unit} {desc}"


def bar(done: int, total: int, rate: float | None, unit: str = "events") -> str:
    """One plain line of progress: never past 100 %, and 100 % only once the work is done."""
    filled = int(WIDTH * _share(done, total))
    drawn = f"[{'#' * filled}{'.' * (WIDTH - filled)}]"
    return f"{drawn} {done:,}/{total:,} {unit} {_figures(done, total, rate, unit)}"


def _share(done: int, total: int) -> float:
    return min(done / total if total else 1.0, 1.0)


def _figures(done: int, total: int, rate: float | None, unit: str) -> str:
    percent = int(_share(done, total) * 100)  # rounded down: 100 % only once the work is done
    speed = f"{rate:,.0f} {unit}/s" if rate else "…"
    eta = f", ETA {max(total - done, 0) / rate:,.0f}s" if rate else ""
    return f"({percent}%), {speed}{eta}"


def _terminal_size() -> tuple[int, int]:
    """The terminal's width and height as tqdm counts them (a column left free), 80 by 24 when
    the terminal does not say: tqdm would draw nothing on a terminal of unknown size."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
        columns, lines = size.columns, size.lines
    except (OSError, ValueError):
        columns, lines = 0, 0
    return (columns or 80) - 1, (lines or 24) - 1


class ProgressLine:
    """A progress bar on stderr, on a terminal or in a log (see the module's docstring)."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.terminal = sys.stderr.isatty()
        self.done, self.total = 0, 0
        self.rate: float | None = None
        self.printed_tenth = -1
        self.noted = ""
        self._drawn: tqdm | None = None  # on a terminal: tqdm's bar, once drawn

    def show(self, done: int, total: int, rate: float | None) -> None:
        self.done, self.total, self.rate = done, total, rate
        if self.terminal:
            self._draw(done, total)
            return
        tenth = min(done * 10 // total, 10) if total else 10
        if tenth > self.printed_tenth:
            self.printed_tenth = tenth
            print(bar(done, total, rate, self.unit), file=sys.stderr, flush=True)

    def _draw(self, done: int, total: int) -> None:
        if self._drawn is None:
            from tqdm import tqdm  # on a terminal only: a log's lines need no library

            ncols, nrows = _terminal_size()
            self._drawn = tqdm(
                total=total,
                initial=done,
                desc=_figures(done, total, self.rate, self.unit),
                unit=self.unit,
                file=sys.stderr,
                ncols=ncols,
                nrows=nrows,
                ascii=".#",  # the plain line's bar: '#' done, '.' to do
                bar_format=_TERMINAL_FORMAT,
                leave=True,
            )
        drawn = self._drawn
        drawn.total = total
        drawn.set_description_str(_figures(done, total, self.rate, self.unit), refresh=False)
        if done >= drawn.n:
            drawn.update(done - drawn.n)  # redrawn at most ten times a second
        else:
            drawn.n = done
            drawn.refresh()

    def note(self, text: str) -> None:
        """A message beside the bar, printed once however often it is repeated: the wait loop
        polls twice a second, and a log must not fill with the same line."""
        if text == self.noted:
            return
        self.noted = text
        if self._drawn is not None:
            self._drawn.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def finish(self, *, complete: bool = True) -> None:
        """The work is over: the bar says 100 % when it was all done (a cancelled rebuild
        stays where it stopped) and its line ends, ready for the next one."""
        if complete:
            total = max(self.total, self.done)
            self.show(total, total, self.rate)
        if self._drawn is not None:
            self._drawn.close()
            self._drawn = None
