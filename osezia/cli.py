"""The `osezia` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from osezia.config import Database, Settings, SettingsError, load_settings
from osezia.embedded import resolve_database_url


def _database_url(settings: Settings) -> str:
    url = resolve_database_url(settings.database_url)
    if settings.database_url is None:
        print(f"DATABASE_URL is not set: using the embedded PostgreSQL ({url})", file=sys.stderr)
    return url


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    from osezia.migrations import current_revision, migrate

    url = _database_url(settings)
    migrate(url)
    print(f"database migrated to {current_revision(url)}")
    return 0


def _serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from osezia.domain.platform import Platform
    from osezia.graphql.app import create_app

    url = _database_url(settings)
    platform = Platform(Database.from_url(url).eventsourcing_env())
    app = create_app(settings, url, platform)
    print(f"osezia serves GraphQL on http://{settings.host}:{settings.port}/graphql")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


def _demo(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.demo import load_demo
    from osezia.domain.platform import Platform

    url = _database_url(settings)
    platform = Platform(Database.from_url(url).eventsourcing_env())
    try:
        if arguments.if_empty and platform.companies.recorder.max_notification_id():
            print("the event log already holds a history: demo data not loaded")
            return 0
        counts = load_demo(platform)
    finally:
        platform.close()
    print("demo history written: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="osezia", description="The « Osez l'IA » platform.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="run the database migrations up to head").set_defaults(
        run=_migrate
    )
    commands.add_parser("serve", help="serve the GraphQL API").set_defaults(run=_serve)
    demo = commands.add_parser("demo", help="write a small deterministic demo history")
    demo.add_argument("--if-empty", action="store_true", help="only into an empty event log")
    demo.set_defaults(run=_demo)
    arguments = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"osezia: {error}", file=sys.stderr)
        return 2
    return int(arguments.run(settings, arguments))


if __name__ == "__main__":
    sys.exit(main())
