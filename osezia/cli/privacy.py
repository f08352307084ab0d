"""`osezia privacy`: a person's rights exercised by the plan's operator, for every network's
people: their export (RGPD art. 15) and their erasure (art. 17)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any
from uuid import UUID

from osezia.cli.database import database_url, store_env
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers

_PERSON = (
    "the id of a record about the person: an ambassador's, a diagnostic's (its expert), an "
    "enrolment's (its learner, with every enrolment of theirs the same network recorded) or a "
    "sole trader's company (catégorie juridique 1000)"
)


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    privacy = commands.add_parser(
        "privacy", help="export or erase what osezia holds about a person (RGPD art. 15, 17)"
    )
    actions = privacy.add_subparsers(dest="action", required=True)
    export = actions.add_parser(
        "export",
        help="print everything osezia holds about a person, as JSON",
        description=(
            "Everything osezia holds about the person, as one JSON object on stdout: each "
            "record about them with every event and field (decrypted), who decided each and "
            "through which network, their erasure if any, and the platform's read-model rows "
            "about them. Exit status 2 when no person has that id."
        ),
    )
    export.add_argument("id", help=_PERSON)
    export.set_defaults(run=export_command)
    erase = actions.add_parser(
        "erase",
        help="erase a person: their keys destroyed, their fields « effacé » everywhere",
        description=(
            "Destroy the person's keys: every event about them stays, their fields read "
            "« effacé » in the log, the read models, the API and the exports; figures do not "
            "change. The erasure is recorded (who, when, the legal ground) without their data. "
            "Erasing them again changes nothing. Exit status 2 when no person has that id or "
            "the reason is refused."
        ),
    )
    erase.add_argument("id", help=_PERSON)
    erase.add_argument("--reason", required=True, help="the legal ground, as it is to be recorded")
    erase.set_defaults(run=erase_command)


def export_command(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.errors import DomainError
    from osezia.domain.grants import OPERATOR
    from osezia.domain.privacy.application import Privacy
    from osezia.projections.erasure import export_json

    url = database_url(settings)
    record_id = _record_id(arguments.id)
    if record_id is None:
        return 2
    with Privacy(env=store_env(url, 1)) as privacy:
        try:
            document = privacy.export_person(OPERATOR, record_id, everyone=True)
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    document["rows"] = asyncio.run(_rows(url, document))
    print(export_json(document, indent=2))
    return 0


def erase_command(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.errors import DomainError
    from osezia.domain.grants import OPERATOR
    from osezia.domain.privacy.application import Privacy

    url = database_url(settings)
    record_id = _record_id(arguments.id)
    if record_id is None:
        return 2
    with Privacy(env=store_env(url, 1)) as privacy:
        try:
            erasure = privacy.erase_person(
                OPERATOR, record_id, reason=arguments.reason, everyone=True
            )
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    if erasure is None:
        print(f"the person of {record_id} was already erased: nothing changed")
    else:
        print(f"the person of {record_id} is erased (erasure {erasure})")
    return 0


def _record_id(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        print(f"osezia: NOT_FOUND: no person with id {value}", file=sys.stderr)
        return None


async def _rows(url: str, document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The platform's read-model rows about the person (it sees every network's); none before
    its read models are first built."""
    import asyncpg

    from osezia.projections.connections import connect
    from osezia.projections.erasure import export_rows
    from osezia.tenants.visibility import PLATFORM

    conn = await connect(url)
    try:
        return await export_rows(conn, PLATFORM, document)
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return {}
    finally:
        await conn.close()
