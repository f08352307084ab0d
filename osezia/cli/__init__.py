"""The `osezia` command: its parser, composed from one module per group of subcommands, and
what every subcommand shares (settings read once, the database checked first, the actor its
records are made by, one line and an exit status for every expected failure)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Sequence
from importlib.metadata import version

from osezia.cli import (
    decisions,
    demo,
    documents,
    imports,
    migrate,
    privacy,
    rebuild,
    serve,
    tenants,
    workers,
)
from osezia.cli.database import (
    check_database,
    redis_errors,
    redis_unreachable,
    unreachable,
    unreachable_errors,
)
from osezia.domain.actors import Actor, acting
from osezia.store.settings import SettingsError, load_settings, require_database_url
from osezia.web.auth.cli import add_keys_parser
from osezia.web.auth.cli import add_parser as add_clients_parser

# Commands that run for as long as they are left to: what they append is their callers' doing.
_SERVICES = frozenset({"serve", "project", "worker"})


def build_parser() -> argparse.ArgumentParser:
    """The `osezia` command's arguments: every command and subcommand has its --help."""
    parser = argparse.ArgumentParser(prog="osezia", description="The « Osez l'IA » platform.")
    parser.add_argument("--version", action="version", version=f"osezia {version('osezia')}")
    commands = parser.add_subparsers(dest="command", required=True)
    migrate.add_parser(commands)
    serve.add_parser(commands)
    workers.add_project_parser(commands)
    workers.add_worker_parser(commands)
    demo.add_parser(commands)
    rebuild.add_parser(commands)
    tenants.add_parser(commands)
    imports.add_parser(commands)
    decisions.add_parser(commands)
    documents.add_parser(commands)
    privacy.add_parser(commands)
    add_clients_parser(commands)
    add_keys_parser(commands)
    return parser


def _cli_actor() -> Actor:
    """Who runs the command: the operating system's user, for the platform's operator. A
    process with no user name to give (a container's numeric user) is recorded as `system`."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "system"
    return Actor(user or "system", "operator", "cli")


def _environment(arguments: argparse.Namespace) -> dict[str, str]:
    """The environment, with `serve --host/--port` in place of OSEZIA_HOST and OSEZIA_PORT, so
    that the settings derived from them (the default public URL) follow."""
    env = dict(os.environ)
    if getattr(arguments, "host", None) is not None:
        env["OSEZIA_HOST"] = arguments.host
    if getattr(arguments, "port", None) is not None:
        env["OSEZIA_PORT"] = str(arguments.port)
    return env


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        settings = load_settings(_environment(arguments))
        require_database_url(settings)
    except SettingsError as error:
        print(f"osezia: {error}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        try:
            if settings.database_url is not None:
                check_database(settings.database_url)
            if arguments.command in _SERVICES:
                return int(arguments.run(settings, arguments))
            with acting(_cli_actor()):
                return int(arguments.run(settings, arguments))
        except redis_errors() as error:  # REDIS_URL is well formed, but nobody answers there
            print(redis_unreachable(settings.redis_url, error), file=sys.stderr)
            return 3
        except unreachable_errors() as error:
            print(unreachable(settings.database_url, error), file=sys.stderr)
            return 3
        except SettingsError as error:  # found once running: no embedded PostgreSQL installed
            print(f"osezia: {error}", file=sys.stderr)
            return 2
    return 130
