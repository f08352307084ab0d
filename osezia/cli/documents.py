"""`osezia documents add|list`: the GraphQL documents registered for clients to send by hash.

Registered documents live in the database (`registered_documents`), so every replica knows them
at once. A client sends a registered document's SHA-256 in Apollo's persistedQuery extension,
or the document itself; with OSEZIA_REGISTERED_DOCUMENTS_ONLY=1, only registered documents run.
A document is checked against the schema and the query limits before it is registered: one
that could never run is refused (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from osezia.cli.database import database_url
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    documents = commands.add_parser(
        "documents",
        help="register GraphQL documents that clients may send by their hash, or list them",
    )
    actions = documents.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add",
        help="register a document (a .graphql file); its SHA-256 is printed",
        description=(
            "Registers the file's text, as it is, under its SHA-256 (what Apollo's persisted "
            "queries send as sha256Hash). Registering it again changes nothing. A document that "
            "does not parse, or does not validate against the schema and the query limits, is "
            "refused with exit status 2."
        ),
    )
    add.add_argument("file", type=Path, help="the document, as the client sends it")
    add.add_argument("--name", help="what it is, for the operators (default: its operations)")
    listing = actions.add_parser("list", help="the registered documents")
    listing.add_argument("--json", action="store_true", help="print them as a JSON list")
    documents.set_defaults(run=run_documents)


def run_documents(settings: Settings, arguments: argparse.Namespace) -> int:
    import psycopg

    url = database_url(settings)
    if arguments.action == "add":
        try:
            document = arguments.file.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as error:
            print(f"osezia: cannot read {arguments.file}: {error}", file=sys.stderr)
            return 2
        problem, operations = checked(document)
        if problem is not None:
            print(f"osezia: {arguments.file}: {problem}", file=sys.stderr)
            return 2
        from osezia.web.persisted import document_hash

        digest = document_hash(document)
        name = arguments.name or ", ".join(operations) or arguments.file.name
        with psycopg.connect(url) as conn:
            added = conn.execute(
                "INSERT INTO registered_documents (hash, document, name) VALUES (%s, %s, %s) "
                "ON CONFLICT (hash) DO NOTHING",
                (digest, document, name),
            ).rowcount
        print(f"{'registered' if added else 'already registered'}: {digest}  {name}")
        return 0
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT hash, name, registered_at FROM registered_documents "
            "ORDER BY registered_at, hash"
        ).fetchall()
    listed = [
        {"hash": h, "name": n, "registered_at": at.isoformat(timespec="seconds")}
        for h, n, at in rows
    ]
    if arguments.json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
    else:
        for row in listed:
            print(f"{row['hash']}  {row['registered_at']}  {row['name']}")
    return 0


def checked(document: str) -> tuple[str | None, list[str]]:
    """What is wrong with the document (None if nothing) and the names of its operations."""
    from graphql import OperationDefinitionNode, specified_rules, validate

    from osezia.graphql.limits import RULES, parsed

    # The schema the module builds once on import: the types a document is checked against are
    # the same in production (where only introspection and suggestions are turned off).
    from osezia.graphql.schema import schema

    found = parsed(document)
    if found is None:
        return "it does not parse as a GraphQL document (or holds over the token limit)", []
    errors = validate(schema._schema, found, (*specified_rules, *RULES))
    if errors:
        return "; ".join(error.message for error in errors), []
    names = [
        d.name.value
        for d in found.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    ]
    return None, names
