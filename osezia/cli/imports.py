"""`osezia import`: records from a file, with a progress bar and each bad row named."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import psycopg

from osezia.cli.database import database_url, store_env
from osezia.cli.progress import ProgressLine
from osezia.domain.actors import acting, current_actor
from osezia.domain.commands import Command
from osezia.store.settings import CONNECT_TIMEOUT, Settings

if TYPE_CHECKING:
    from osezia.web.auth.cli import Subparsers


def add_parser(commands: Subparsers[argparse.ArgumentParser]) -> None:
    imports = commands.add_parser("import", help="import records from a file")
    import_kinds = imports.add_subparsers(dest="kind", required=True)
    trainings = import_kinds.add_parser(
        "trainings",
        help="import the Académie de l'IA's enrolments and completions from a CSV file",
        description=(
            "Import enrolments and completions from a UTF-8 CSV file whose header names at "
            "least the columns learner_ref,audience,training_code,training_title,region,siren,"
            "enrolled_on,completed_on (any order; other columns are ignored). audience is "
            "EMPLOYEE, LEADER, APPRENTICE or JOB_SEEKER (or salarié, dirigeant, apprenti, "
            "demandeur d'emploi); region an INSEE region code; siren and completed_on may be "
            "empty; dates are YYYY-MM-DD. Bad rows are listed with their line number and "
            "reason and are not imported; a row already imported adds nothing. Exit status: "
            "0 when every row was good, 1 when some were rejected, 2 when the file or the "
            "tenant cannot be used, 3 when the database does not answer."
        ),
    )
    trainings.add_argument("file", help="the CSV file")
    trainings.add_argument(
        "--tenant", default="operator", help="the network recording them (default: operator)"
    )
    trainings.set_defaults(run=import_trainings_command)


def _count_lines(path: str) -> int:
    count = 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def import_trainings_command(settings: Settings, arguments: argparse.Namespace) -> int:
    from osezia.domain.errors import DomainError
    from osezia.domain.trainings.file import BadFile
    from osezia.domain.trainings.importer import Summary, import_trainings
    from osezia.tenants.application import Tenants
    from osezia.tenants.model import TenantStatus
    from osezia.tenants.profiles import Profile

    url = database_url(settings)
    slug: str = arguments.tenant
    with Tenants(env=store_env(url, 1)) as tenants:
        try:
            tenant = tenants.get_tenant(slug)
        except DomainError as error:
            print(f"osezia: {error.code}: {error.message}", file=sys.stderr)
            return 2
    if tenant.status is not TenantStatus.ACTIVE:
        print(f"osezia: tenant {slug} is {tenant.status}: it imports nothing", file=sys.stderr)
        return 2
    if Command.IMPORT_TRAININGS not in Profile.from_data(tenant.profile).commands:
        print(f"osezia: FORBIDDEN: tenant {slug} may not import trainings", file=sys.stderr)
        return 2
    try:
        total = max(_count_lines(arguments.file) - 1, 0)
    except OSError as error:
        print(f"osezia: cannot read {arguments.file}: {error.strerror}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def problem(line: int, reason: str) -> None:
        print(f"line {line}: {reason}")

    line = ProgressLine("rows")

    def progress(summary: Summary) -> None:
        elapsed = time.perf_counter() - started
        rate = summary.rows_read / elapsed if elapsed > 0 else None
        line.show(summary.rows_read, total, rate)

    with (
        open(arguments.file, encoding="utf-8-sig", newline="") as file,
        psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn,
        acting(replace(current_actor(), via=slug)),  # the operator records them for the network
    ):
        try:
            summary = import_trainings(conn, slug, file, on_problem=problem, on_progress=progress)
        except (BadFile, UnicodeDecodeError) as error:
            line.finish(complete=False)  # the bar's line ends before the error's
            print(f"osezia: {arguments.file}: {error}", file=sys.stderr)
            return 2
    elapsed = time.perf_counter() - started
    line.finish()
    print(f"{summary} in {elapsed:,.1f}s")
    return 1 if summary.rejected else 0
