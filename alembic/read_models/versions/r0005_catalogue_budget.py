"""The solutions catalogue, adoptions and the budget.

Revision ID: r0005
Revises: r0004
"""

from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None

_TABLES = {
    "providers": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        siren text NOT NULL,
        name text NOT NULL,
        sovereignty text NOT NULL,
        listed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "solutions": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        provider_id uuid NOT NULL,
        provider_name text NOT NULL,
        provider_siren text NOT NULL,
        name text NOT NULL,
        description text NOT NULL,
        categories jsonb NOT NULL,
        sovereignty text NOT NULL,
        turnkey boolean NOT NULL,
        status text NOT NULL,
        withdrawn_reason text,
        listed_at timestamptz NOT NULL,
        withdrawn_at timestamptz,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "adoptions": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        company_id uuid NOT NULL,
        company_siren text NOT NULL,
        company_name text NOT NULL,
        region text NOT NULL,
        segment text,
        solution_id uuid NOT NULL,
        solution_name text NOT NULL,
        categories jsonb NOT NULL,
        sovereignty text NOT NULL,
        adopted_on date NOT NULL,
        adopted_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "budget": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        total_cents bigint NOT NULL,
        allocations jsonb NOT NULL,
        overruns jsonb NOT NULL,
        movements jsonb NOT NULL,
        committed_cents bigint NOT NULL,
        paid_cents bigint NOT NULL,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
}

_INDEXES = (
    "CREATE UNIQUE INDEX providers_siren ON providers (siren)",
    "CREATE INDEX solutions_status ON solutions (status, sovereignty)",
    "CREATE INDEX solutions_categories ON solutions USING gin (categories)",
    "CREATE INDEX adoptions_region ON adoptions (region, segment, sovereignty)",
    "CREATE INDEX adoptions_company ON adoptions (company_id)",
    "CREATE INDEX adoptions_solution ON adoptions (solution_id)",
)


def upgrade() -> None:
    for table, columns in _TABLES.items():
        op.execute(f"CREATE TABLE {table} ({columns})")
    for statement in _INDEXES:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.execute(f"DROP TABLE {table}")
