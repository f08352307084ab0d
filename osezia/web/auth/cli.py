"""`osezia clients create|rotate|revoke|list` and `osezia keys rotate|list`: an operator's
commands for partner machine credentials and the API's signing keys."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osezia.store.settings import Database, Settings

if TYPE_CHECKING:
    from osezia.tenants.clients.application import Clients

Subparsers = argparse._SubParsersAction  # argparse names no public type for it


def add_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `clients` to the `osezia` command."""
    clients = subparsers.add_parser(
        "clients", help="create, rotate, revoke or list machine clients"
    )
    actions = clients.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a client; its secret is printed once")
    create.add_argument("tenant", help="the tenant's slug")
    create.add_argument("--role", required=True, help="analyst, officer, manager or admin")
    create.add_argument("--name", required=True, help="what the client is, for the operators")
    create.add_argument(
        "--public-jwk",
        metavar="FILE",
        type=Path,
        help="the client's public key (JSON): it then authenticates with private_key_jwt, "
        "and gets no secret",
    )
    rotate = actions.add_parser(
        "rotate", help="give a client a new secret, printed once; the old one works a while"
    )
    rotate.add_argument("client_id")
    rotate.add_argument(
        "--overlap",
        metavar="SECONDS",
        type=_seconds,
        help="how long the old secret keeps working (default OSEZIA_SECRET_OVERLAP; 0: it "
        "stops now)",
    )
    revoke = actions.add_parser("revoke", help="revoke a client: its tokens stop working")
    revoke.add_argument("client_id")
    revoke.add_argument("--reason", default="revoked by an operator")
    listing = actions.add_parser("list", help="list a tenant's clients")
    listing.add_argument("tenant")
    listing.add_argument("--json", action="store_true", help="print them as a JSON list")
    clients.set_defaults(run=run_clients)


def add_keys_parser(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `keys` to the `osezia` command."""
    keys = subparsers.add_parser("keys", help="rotate or list the API's token signing keys")
    actions = keys.add_subparsers(dest="action", required=True)
    actions.add_parser("rotate", help="sign with a new key; the old one stays published")
    listing = actions.add_parser("list", help="the published keys")
    listing.add_argument("--json", action="store_true", help="print them as a JSON list")
    keys.set_defaults(run=run_keys)


def _seconds(value: str) -> int:
    """A whole number of seconds from 0, or argparse's one-line usage error."""
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of seconds from 0")
    return int(value)


def _database_url(settings: Settings) -> str:
    from osezia.store.embedded import resolve_database_url

    url = resolve_database_url(settings.database_url, production=settings.is_production)
    if settings.database_url is None:
        print(f"DATABASE_URL is not set: using the embedded PostgreSQL ({url})", file=sys.stderr)
    return url


def _checked_public_jwk(path: Path) -> dict[str, Any]:
    from joserfc.errors import JoseError
    from joserfc.jwk import import_key

    from osezia.domain.errors import InvalidValue

    try:
        jwk = json.loads(path.read_text())
        key = import_key(jwk)
    except (OSError, ValueError, JoseError) as error:
        raise InvalidValue(f"{path} is not a JSON Web Key: {error}") from None
    if key.is_private:
        raise InvalidValue(f"{path} holds a private key: give the public half only")
    public: dict[str, Any] = key.as_dict(private=False)
    return public


def run_clients(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.errors import DomainError
    from osezia.tenants.clients.application import Clients

    url = _database_url(settings)
    with Clients(env=Database.from_url(url).eventsourcing_env(pool_size=1)) as clients:
        try:
            if arguments.action == "create":
                jwk = _checked_public_jwk(arguments.public_jwk) if arguments.public_jwk else None
                client_id, secret = clients.create_client(
                    arguments.tenant, role=arguments.role, name=arguments.name, public_jwk=jwk
                )
                print(f"client created for {arguments.tenant}, role {arguments.role}")
                print(f"client_id:      {client_id}")
                if secret is not None:
                    print(f"client_secret:  {secret}")
                    print("(the secret is shown only this once: store it now)")
                else:
                    print("authentication: private_key_jwt, with the registered public key")
                print(f"token endpoint: {settings.token_endpoint}")
            elif arguments.action == "rotate":
                overlap = arguments.overlap
                overlap = settings.secret_overlap if overlap is None else overlap
                secret, until = clients.rotate_secret(arguments.client_id, overlap=overlap)
                print(f"client {arguments.client_id} has a new secret")
                print(f"client_secret:  {secret}")
                print("(the secret is shown only this once: store it now)")
                if overlap:
                    print(f"the previous secret works until {until.isoformat(timespec='seconds')}")
                else:
                    print("the previous secret no longer works")
            elif arguments.action == "revoke":
                clients.revoke_client(arguments.client_id, reason=arguments.reason)
                print(f"client {arguments.client_id} revoked")
            else:
                _list_clients(clients, arguments.tenant, as_json=arguments.json)
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    return 0


def _list_clients(clients: Clients, tenant: str, *, as_json: bool) -> None:
    from osezia.domain.errors import NotFound
    from osezia.tenants.model import Tenant

    if clients.find(Tenant.create_id(tenant), Tenant) is None:  # a typo lists nothing: say so
        raise NotFound(f"no tenant {tenant!r}")
    rows = [
        {
            "client_id": client.client_id,
            "status": "REVOKED" if client.revoked else "ACTIVE",
            "role": client.role,
            "method": "private_key_jwt" if client.public_jwk else "client_secret_basic",
            "name": client.name,
        }
        for client in clients.list_clients(tenant)
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        print(
            f"{row['client_id']}  {row['status']:<8} {row['role']:<8} {row['method']:<20} "
            f"{row['name']}"
        )


def run_keys(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.projections.connections import connect
    from osezia.web.auth.keys import published_keys, rotate_signing_key

    url = _database_url(settings)
    if arguments.action == "rotate":
        kid = rotate_signing_key(url, token_lifetime=settings.token_lifetime)
        print(f"new signing key {kid}; the previous one stays published for its tokens' lifetime")
        return 0

    async def listing() -> list[dict[str, str]]:
        conn = await connect(url)
        try:
            return [
                {
                    "kid": published.kid,
                    "created_at": published.created_at.isoformat(),
                    "until": published.not_after.isoformat() if published.not_after else "current",
                }
                for published, _ in await published_keys(conn)
            ]
        finally:
            await conn.close()

    rows = asyncio.run(listing())
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['kid']}  {row['created_at']}  {row['until']}")
    return 0
