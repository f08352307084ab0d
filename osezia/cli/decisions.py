"""`osezia decisions`: the decisions behind a record, from its events: when, by whom, through
which network."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any
from uuid import UUID

from osezia.cli.database import database_url, store_env
from osezia.domain.decisions import Decision
from osezia.store.settings import Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    decisions = commands.add_parser(
        "decisions",
        help="list the decisions behind a record: its events, when, by whom, through which network",
        description=(
            "Every event of the record with this id (a budget, a loan, a diagnostic, a company…), "
            "oldest first: when it was recorded, what it decided, through which network and by "
            "whom (a client id, an identity provider's subject, an operator's user name). Exit "
            "status 2 when the log holds no record with that id."
        ),
    )
    decisions.add_argument("id", help="the record's id")
    decisions.add_argument("--tenant", help="only the decisions made through this network")
    decisions.add_argument("--json", action="store_true", help="print them as a JSON list")
    decisions.set_defaults(run=decisions_command)


def decisions_command(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.decisions import decisions_of
    from osezia.tenants.application import Tenants

    try:
        record_id = UUID(arguments.id)
    except ValueError:
        print(f"osezia: NOT_FOUND: no record with id {arguments.id}", file=sys.stderr)
        return 2
    with Tenants(env=store_env(database_url(settings), 1)) as log:
        decisions = decisions_of(log, record_id)
    if not decisions:
        print(f"osezia: NOT_FOUND: no record with id {record_id}", file=sys.stderr)
        return 2
    if arguments.tenant is not None:
        decisions = [d for d in decisions if d.via == arguments.tenant]
    if arguments.json:
        rows = [_decision_row(d) for d in decisions]
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
        return 0
    for d in decisions:
        by = f"{d.actor.kind}:{d.actor.id}" if d.actor else "(actor not recorded)"
        details = " ".join(f"{k}={v}" for k, v in d.details.items())
        when, network = d.recorded_at.isoformat(), d.via or "-"
        print(f"{when}  v{d.version:<3} {d.event}  via {network}  by {by}  {details}")
    return 0


def _decision_row(decision: Decision) -> dict[str, Any]:
    actor = decision.actor
    return {
        "record_id": str(decision.record_id),
        "version": decision.version,
        "recorded_at": decision.recorded_at.isoformat(),
        "event": decision.event,
        "network": decision.via,
        "actor": actor.id if actor else None,
        "kind": actor.kind if actor else None,
        "details": decision.details,
    }
