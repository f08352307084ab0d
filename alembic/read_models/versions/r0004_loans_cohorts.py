"""State-guaranteed loans and acceleration cohorts.

Revision ID: r0004
Revises: r0003
"""

from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None

_TABLES = {
    "loans": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        company_id uuid NOT NULL,
        company_siren text NOT NULL,
        company_name text NOT NULL,
        region text NOT NULL,
        segment text,
        size_category text NOT NULL,
        status text NOT NULL,
        amount_cents bigint NOT NULL,
        term_months integer NOT NULL,
        purpose text NOT NULL,
        applied_on date NOT NULL,
        applied_at timestamptz NOT NULL,
        guarantee_share_basis_points integer,
        granted_on date,
        granted_at timestamptz,
        refused_on date,
        refused_at timestamptz,
        refuse_reason text,
        disbursed_cents bigint,
        disbursed_on date,
        disbursed_at timestamptz,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "cohorts": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        name text NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        capacity integer NOT NULL,
        months integer NOT NULL,
        admitted_count integer NOT NULL,
        active_count integer NOT NULL,
        graduated_count integer NOT NULL,
        exited_count integer NOT NULL,
        admissions jsonb NOT NULL,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
}

_INDEXES = (
    "CREATE INDEX loans_status ON loans (status, region)",
    "CREATE INDEX loans_applied ON loans (applied_at, id)",
    "CREATE INDEX loans_company ON loans (company_id)",
    "CREATE INDEX cohorts_opened ON cohorts (opened_at, id)",
)


def upgrade() -> None:
    for table, columns in _TABLES.items():
        op.execute(f"CREATE TABLE {table} ({columns})")
    for statement in _INDEXES:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.execute(f"DROP TABLE {table}")
