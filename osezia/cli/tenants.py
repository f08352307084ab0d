"""`osezia tenants`: list the partner networks, add one, suspend or offboard one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from osezia.cli.database import database_url, store_env
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.tenants.model import Tenant
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    tenants = commands.add_parser("tenants", help="list, add, suspend or offboard tenants")
    tenant_actions = tenants.add_subparsers(dest="action", required=True)
    listing = tenant_actions.add_parser("list", help="the tenants, their status and region")
    listing.add_argument("--json", action="store_true", help="print them as a JSON list")
    add = tenant_actions.add_parser("add", help="register a network as a new tenant")
    add.add_argument("slug", help="the new tenant's slug")
    add.add_argument("--name", required=True, help="the network's name, as people read it")
    add.add_argument("--like", default="cci", help="copy this tenant's profile (default: cci)")
    add.add_argument("--region", help="restrict the new tenant to one region (INSEE code)")
    for action, does in (
        ("suspend", "suspend a tenant: its clients and people stop acting for now"),
        ("offboard", "offboard a tenant for good: its read models are dropped"),
    ):
        sub = tenant_actions.add_parser(action, help=does)
        sub.add_argument("slug", help="the tenant's slug")
        sub.add_argument("--reason", required=True, help="why, kept in the tenant's history")
    tenants.set_defaults(run=tenants_command)


def tenants_command(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.errors import DomainError
    from osezia.tenants.application import Tenants
    from osezia.tenants.profiles import Profile

    url = database_url(settings)
    with Tenants(env=store_env(url, 1)) as tenants:
        try:
            if arguments.action == "add":
                model = Profile.from_data(tenants.get_tenant(arguments.like).profile)
                profile = Profile(
                    commands=model.commands,
                    sees_all=model.sees_all,
                    region=arguments.region,
                    roles=model.roles,
                )
                tenants.register_tenant(arguments.slug, name=arguments.name, profile=profile)
                print(
                    f"tenant {arguments.slug} registered; its read models build in `osezia project`"
                )
            elif arguments.action == "suspend":
                tenants.suspend_tenant(arguments.slug, reason=arguments.reason)
            elif arguments.action == "offboard":
                tenants.offboard_tenant(arguments.slug, reason=arguments.reason)
            rows = [_tenant_row(tenant) for tenant in tenants.list_tenants()]
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    if getattr(arguments, "json", False):
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"{row['slug']:<16} {row['status']:<11} {row['region']:<9} {row['name']}")
    return 0


def _tenant_row(tenant: Tenant) -> dict[str, str]:
    """A tenant as `osezia tenants list` shows it, a network with no region being national."""
    from osezia.tenants.profiles import Profile

    return {
        "slug": tenant.slug,
        "status": str(tenant.status),
        "region": Profile.from_data(tenant.profile).region or "national",
        "name": tenant.name,
    }
