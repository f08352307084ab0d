"""`osezia migrate`: the database's schema, the read models' schemas, the plan's networks."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from osezia.cli.database import database_url, store_env
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    commands.add_parser(
        "migrate", help="migrate the database and register the plan's networks"
    ).set_defaults(run=migrate)


def migrate(settings: Settings, _: argparse.Namespace) -> int:
    from osezia.projections.migrations import migrate_everything
    from osezia.store.keys_setup import prepare_keys
    from osezia.store.migrations import current_revision
    from osezia.tenants.application import Tenants

    url = database_url(settings)
    schemas = migrate_everything(url, logins=settings.role_urls)
    prepare_keys(settings)
    with Tenants(env=store_env(url, 1)) as tenants:
        seeded = tenants.seed_defaults()
        granted = tenants.grant_new_commands()
    print(f"database migrated to {current_revision(url)}; {len(schemas)} read-model schemas")
    if seeded:
        print("tenants registered: " + ", ".join(seeded))
    for slug, commands in granted.items():
        print(f"{slug} was granted this release's new commands: {', '.join(commands)}")
    return 0
