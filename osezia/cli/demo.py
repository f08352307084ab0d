"""`osezia demo`: the deterministic demo history, written into a new log only."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

import psycopg

from osezia.cli.database import database_url
from osezia.store.settings import CONNECT_TIMEOUT, Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="write a deterministic demo history")
    demo.add_argument(
        "--if-empty", action="store_true", help="skip quietly when the log is not new (make run)"
    )
    demo.add_argument(
        "--companies",
        type=_at_least_one,
        default=5_000,  # osezia.demo.DEFAULT_COMPANIES, not imported: --help stays quick
        help="companies (default 5000; 20000 for the plan's full size, a first run of ~40 s)",
    )
    demo.set_defaults(run=demo_history)


def _at_least_one(value: str) -> int:
    """A whole number of at least 1, or argparse's one-line usage error."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def demo_history(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.demo import build_demo, demo_loaded, log_holds_a_history, write_demo

    if settings.is_production:
        # Demo SIRENs are real-looking ones: in a production log they would stay for ever.
        print("osezia: the demo is never written in production (OSEZIA_ENV)", file=sys.stderr)
        return 2
    url = database_url(settings)
    with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
        loaded, started_already = demo_loaded(conn), log_holds_a_history(conn)
    if loaded and arguments.if_empty:
        print("the demo history is already there: nothing written")
        return 0
    if started_already:
        message = "the log already holds a history: the demo loads only into a new database"
        if arguments.if_empty:
            print(f"{message}; nothing written")
            return 0
        print(f"osezia: {message}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print(f"building the demo history ({arguments.companies} companies)…", file=sys.stderr)
    history = build_demo(companies=arguments.companies)
    built = time.perf_counter()
    with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
        appended = write_demo(conn, history)
    written = time.perf_counter()
    counts = ", ".join(f"{n} {kind}" for kind, n in history.counts().items())
    print(
        f"demo history: {appended.written} events written, {appended.skipped} already there "
        f"(built in {built - started:.1f} s, written in {written - built:.1f} s): {counts}"
    )
    return 0
