"""A schema that an earlier text of r0007 upgraded gets what r0007 gives today.

r0007 first gave diagnostics their `status_history` only; it was then rewritten under the same
id to give companies their `spans` too. A schema upgraded by the first text is recorded at r0007
and never runs the second: it has no `spans`, and `osezia migrate` failed on the views that read
them ("column spans does not exist"). This adds, and works out with r0007's own statements,
each of r0007's columns a schema lacks; on a schema that has them it changes nothing.

Revision ID: r0008
Revises: r0007
"""

from alembic import context, op

revision = "r0008"
down_revision = "r0007"
branch_labels = None
depends_on = None


def _has_column(table: str, column: str) -> bool:
    # env.py sets the search path to the schema being migrated.
    found = op.get_bind().exec_driver_sql(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s AND column_name = %s",
        (table, column),
    )
    return found.first() is not None


def upgrade() -> None:
    as_of = context.script.get_revision("r0007").module  # the text on main, locked since
    if not _has_column("diagnostics", "status_history"):
        op.execute(
            "ALTER TABLE diagnostics ADD COLUMN status_history jsonb NOT NULL DEFAULT '[]'::jsonb"
        )
        op.execute(as_of._BACKFILL)
    if not _has_column("companies", "spans"):
        op.execute("ALTER TABLE companies ADD COLUMN spans jsonb NOT NULL DEFAULT '[]'::jsonb")
        op.execute(as_of.SPANS)


def downgrade() -> None:
    pass  # r0007's columns belong to r0007: its downgrade drops them
