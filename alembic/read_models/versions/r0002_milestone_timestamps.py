"""Milestone timestamps on the first read models (figures as of a date).

Every milestone a figure counts keeps the recorded time of the event that reached it, besides
any business date: "as of day D" is judged by what had been recorded before the end of D.
A schema upgraded in place no longer has its events at hand: its rows get the time of their
last change as an upper bound of each milestone they reached (exact for a terminal status), so
an old figure is never counted early. A rebuild gives every row its exact times.

Revision ID: r0002
Revises: r0001
"""

from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

_COLUMNS = {
    "companies": (
        "segment_history jsonb NOT NULL DEFAULT '[]'::jsonb",
        "adopted_at timestamptz",
    ),
    "diagnostics": (
        "report_delivered_at timestamptz",
        "cofinanced_at timestamptz",
        "cancelled_at timestamptz",
    ),
    "ambassadors": (
        "appointed_at timestamptz",
        "withdrawn_at timestamptz",
    ),
    "partnerships": (
        "signed_at timestamptz",
        "started_at timestamptz",
        "ended_at timestamptz",
        "abandoned_at timestamptz",
    ),
}

_BACKFILLS = (
    "UPDATE companies SET segment_history = "
    "jsonb_build_array(jsonb_build_object('segment', segment, 'at', registered_at)) "
    "WHERE segment IS NOT NULL",
    "UPDATE companies SET adopted_at = updated_at WHERE adoption_stage = 'ADOPTED'",
    "UPDATE diagnostics SET report_delivered_at = updated_at WHERE report_delivered_on IS NOT NULL",
    "UPDATE diagnostics SET cofinanced_at = updated_at WHERE status = 'COFINANCING_PAID'",
    "UPDATE diagnostics SET cancelled_at = updated_at WHERE status = 'CANCELLED'",
    "UPDATE ambassadors SET appointed_at = updated_at",
    "UPDATE ambassadors SET withdrawn_at = updated_at WHERE status = 'WITHDRAWN'",
    "UPDATE partnerships SET signed_at = updated_at WHERE signed_on IS NOT NULL",
    "UPDATE partnerships SET started_at = updated_at WHERE started_on IS NOT NULL",
    "UPDATE partnerships SET ended_at = updated_at WHERE ended_on IS NOT NULL",
    "UPDATE partnerships SET abandoned_at = updated_at WHERE status = 'ABANDONED'",
)

_INDEXES = (
    "CREATE INDEX companies_registered ON companies (registered_at)",
    "CREATE INDEX diagnostics_requested ON diagnostics (requested_at)",
    "CREATE INDEX partnerships_signed ON partnerships (signed_at)",
)


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        added = ", ".join(f"ADD COLUMN {column}" for column in columns)
        op.execute(f"ALTER TABLE {table} {added}")
    for statement in (*_BACKFILLS, *_INDEXES):
        op.execute(statement)
    op.execute("ALTER TABLE ambassadors ALTER COLUMN appointed_at SET NOT NULL")


def downgrade() -> None:
    for name in ("companies_registered", "diagnostics_requested", "partnerships_signed"):
        op.execute(f"DROP INDEX {name}")
    for table, columns in _COLUMNS.items():
        dropped = ", ".join(f"DROP COLUMN {column.split()[0]}" for column in columns)
        op.execute(f"ALTER TABLE {table} {dropped}")
