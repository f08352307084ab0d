"""What each company and diagnostic was at the end of each day (figures as of a date).

Companies get `spans`: the (segment, adoption stage) they were in at the end of each day in
France, worked out here from the histories they kept. Diagnostics get `status_history`: each
status with the time it was recorded.

A schema upgraded in place no longer has its events at hand: its diagnostics get the statuses
whose times they kept (requested, report delivered, co-financed, cancelled), and the status they
are in at the time of their last change, so a status is never counted before it was reached.
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


def _day(timestamp: str) -> str:
    return f"(({timestamp}) AT TIME ZONE 'Europe/Paris')::date"


# Every change a company kept (kind 0: registered, 1: segment, 2: stage), the segment and stage
# carried forward over the changes that left them alone, the last state of each day, and the
# day the next one began.
SPANS = (
    "UPDATE companies AS c SET spans = s.spans FROM ("
    "SELECT id, jsonb_agg(jsonb_build_object('segment', segment, 'stage', stage, "
    "'from_day', day, 'until_day', until_day) ORDER BY day) AS spans FROM ("
    "SELECT id, day, segment, stage, lead(day) OVER (PARTITION BY id ORDER BY day) AS until_day "
    "FROM ("
    f"SELECT id, {_day('at')} AS day, "
    "first_value(segment) OVER (PARTITION BY id, segments ORDER BY at, kind, n) AS segment, "
    "coalesce(first_value(stage) OVER (PARTITION BY id, stages ORDER BY at, kind, n), 'NONE') "
    "AS stage, "
    f"row_number() OVER (PARTITION BY id, {_day('at')} ORDER BY at DESC, kind DESC, n DESC) "
    "AS latest FROM ("
    "SELECT *, count(segment) OVER changes AS segments, count(stage) OVER changes AS stages "
    "FROM ("
    "SELECT id, registered_at AS at, 0 AS kind, 0::bigint AS n, NULL::text AS segment, "
    "NULL::text AS stage FROM companies "
    "UNION ALL SELECT id, (h.step->>'at')::timestamptz, 1, h.n, h.step->>'segment', NULL "
    "FROM companies CROSS JOIN LATERAL "
    "jsonb_array_elements(segment_history) WITH ORDINALITY AS h(step, n) "
    "UNION ALL SELECT id, (h.step->>'at')::timestamptz, 2, h.n, NULL, h.step->>'stage' "
    "FROM companies CROSS JOIN LATERAL "
    "jsonb_array_elements(adoption_history) WITH ORDINALITY AS h(step, n)"
    ") AS changes WINDOW changes AS (PARTITION BY id ORDER BY at, kind, n)"
    ") AS counted) AS carried WHERE latest = 1) AS days GROUP BY id) AS s WHERE s.id = c.id"
)


def upgrade() -> None:
    op.execute(
        "ALTER TABLE diagnostics ADD COLUMN status_history jsonb NOT NULL DEFAULT '[]'::jsonb"
    )
    op.execute(_BACKFILL)
    op.execute("ALTER TABLE companies ADD COLUMN spans jsonb NOT NULL DEFAULT '[]'::jsonb")
    op.execute(SPANS)


def downgrade() -> None:
    op.execute("ALTER TABLE companies DROP COLUMN spans")
    op.execute("ALTER TABLE diagnostics DROP COLUMN status_history")
