"""Each diagnostic keeps its statuses with the time each was recorded (figures as of a date).

A schema upgraded in place no longer has its events at hand: its rows get the statuses whose
times they kept (requested, report delivered, co-financed, cancelled), and the status they are
in at the time of their last change, so a status is never counted before it was reached.
A rebuild gives every row its exact history.

Revision ID: r0007
Revises: r0006
"""

from alembic import op

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None

# (status, the column holding its recorded time, the rows that reached it), oldest first; an
# intermediate status kept no time: the row's last change is when it was in it at the latest.
_STEPS = (
    ("'REQUESTED'", "requested_at", "true"),
    ("'REPORT_DELIVERED'", "report_delivered_at", "report_delivered_at IS NOT NULL"),
    ("'COFINANCING_PAID'", "cofinanced_at", "cofinanced_at IS NOT NULL"),
    ("'CANCELLED'", "cancelled_at", "cancelled_at IS NOT NULL"),
    (
        "status",
        "updated_at",
        "status NOT IN ('REQUESTED', 'REPORT_DELIVERED', 'COFINANCING_PAID', 'CANCELLED')",
    ),
)

_BACKFILL = (
    "UPDATE diagnostics SET status_history = "
    "(SELECT jsonb_agg(jsonb_build_object('status', status, 'at', at) ORDER BY at, n) FROM ("
    + " UNION ALL ".join(
        f"SELECT {n} AS n, {status} AS status, {at} AS at WHERE {reached}"
        for n, (status, at, reached) in enumerate(_STEPS)
    )
    + ") AS steps)"
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE diagnostics ADD COLUMN status_history jsonb NOT NULL DEFAULT '[]'::jsonb"
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.execute("ALTER TABLE diagnostics DROP COLUMN status_history")
