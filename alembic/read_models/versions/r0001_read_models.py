"""The read models of one tenant (or of the platform): one row per aggregate, and a tracking row.

Tables are created unqualified: alembic's env sets search_path to the schema being migrated.

Revision ID: r0001
Revises:
"""

from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = {
    "companies": """
        id uuid PRIMARY KEY,
        siren text NOT NULL,
        legal_name text NOT NULL,
        owner text NOT NULL,
        region text NOT NULL,
        departement text NOT NULL,
        naf text NOT NULL,
        naf_section text NOT NULL,
        size_category text,
        size_basis text,
        segment text,
        adoption_stage text NOT NULL,
        adoption_changed_on date,
        adoption_history jsonb NOT NULL,
        establishments jsonb NOT NULL,
        shared_via jsonb NOT NULL,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "diagnostics": """
        id uuid PRIMARY KEY,
        company_id uuid NOT NULL,
        company_siren text NOT NULL,
        company_name text NOT NULL,
        region text NOT NULL,
        segment text,
        owner text NOT NULL,
        status text NOT NULL,
        eligible boolean,
        size_category text,
        expert text,
        expert_days_logged integer NOT NULL,
        expert_days_cap integer NOT NULL,
        use_cases jsonb NOT NULL,
        report_delivered_on date,
        price_cents bigint,
        state_share_basis_points integer,
        cofinancing_cents bigint,
        cancel_reason text,
        requested_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "ambassadors": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        full_name text NOT NULL,
        kind text NOT NULL,
        network text NOT NULL,
        region text,
        sectors jsonb NOT NULL,
        appointed_on date NOT NULL,
        status text NOT NULL,
        withdrawn_on date,
        interventions jsonb NOT NULL,
        interventions_count integer NOT NULL,
        audience_total integer NOT NULL,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "events": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        title text NOT NULL,
        kind text NOT NULL,
        region text,
        on_date date NOT NULL,
        capacity integer NOT NULL,
        status text NOT NULL,
        participants jsonb NOT NULL,
        registered_count integer NOT NULL,
        meetings jsonb NOT NULL,
        attended jsonb NOT NULL,
        cancel_reason text,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "partnerships": """
        id uuid PRIMARY KEY,
        owner text NOT NULL,
        company_id uuid NOT NULL,
        company_siren text NOT NULL,
        company_name text NOT NULL,
        region text NOT NULL,
        research_team text NOT NULL,
        topic text NOT NULL,
        status text NOT NULL,
        proposed_at timestamptz NOT NULL,
        signed_on date,
        year integer,
        started_on date,
        ended_on date,
        abandon_reason text,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL
    """,
    "referrals": """
        id uuid PRIMARY KEY,
        from_tenant text NOT NULL,
        to_tenant text NOT NULL,
        company_id uuid NOT NULL,
        purpose text NOT NULL,
        reason text NOT NULL,
        consent_reference text NOT NULL,
        status text NOT NULL,
        shared_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason text,
        position bigint NOT NULL
    """,
}

_INDEXES = (
    "CREATE UNIQUE INDEX companies_siren ON companies (siren)",
    "CREATE INDEX companies_region ON companies (region, segment, adoption_stage)",
    "CREATE INDEX companies_name ON companies (lower(legal_name) text_pattern_ops)",
    "CREATE INDEX diagnostics_status ON diagnostics (status, region)",
    "CREATE INDEX diagnostics_company ON diagnostics (company_id)",
    "CREATE INDEX events_date ON events (on_date, region)",
    "CREATE INDEX partnerships_year ON partnerships (year)",
    "CREATE INDEX referrals_company ON referrals (company_id)",
)


def upgrade() -> None:
    for table, columns in _TABLES.items():
        op.execute(f"CREATE TABLE {table} ({columns})")
    for statement in _INDEXES:
        op.execute(statement)
    # The position of the last event applied, written in the same transaction as the rows.
    op.execute(
        "CREATE TABLE tracking (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), "
        "position bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())"
    )
    op.execute("INSERT INTO tracking (position) VALUES (0)")


def downgrade() -> None:
    for table in ("tracking", *reversed(_TABLES)):
        op.execute(f"DROP TABLE {table}")
