"""Calls for projects and their applications.

Revision ID: r0006
Revises: r0005
"""

from alembic import op

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None

_TABLES = {
    "calls": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        code text NOT NULL,
        title text NOT NULL,
        kind text NOT NULL,
        opens_on date NOT NULL,
        closes_on date NOT NULL,
        phases jsonb NOT NULL,
        selection_target integer,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "call_applications": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        call_id uuid NOT NULL,
        call_code text NOT NULL,
        company_id uuid NOT NULL,
        company_siren text NOT NULL,
        company_name text NOT NULL,
        region text NOT NULL,
        project_title text NOT NULL,
        consortium jsonb NOT NULL,
        status text NOT NULL,
        phase_count integer NOT NULL,
        current_phase integer,
        phases jsonb NOT NULL,
        awarded_cents bigint NOT NULL,
        submitted_on date NOT NULL,
        submitted_at timestamptz NOT NULL,
        selected_at timestamptz,
        rejected_at timestamptz,
        reject_reason text,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
}

_INDEXES = (
    "CREATE UNIQUE INDEX calls_code ON calls (code)",
    "CREATE INDEX call_applications_call ON call_applications (call_code, status)",
    "CREATE INDEX call_applications_submitted ON call_applications (submitted_at)",
    "CREATE INDEX call_applications_company ON call_applications (company_id)",
)


def upgrade() -> None:
    for table, columns in _TABLES.items():
        op.execute(f"CREATE TABLE {table} ({columns})")
    for statement in _INDEXES:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.execute(f"DROP TABLE {table}")
