"""The registry of read-model versions: which data schema serves each tenant, and rebuilds.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE read_model_versions (
            target text NOT NULL,
            version integer NOT NULL,
            data_schema text NOT NULL UNIQUE,
            status text NOT NULL CHECK (status IN ('BUILDING', 'LIVE', 'RETIRED', 'CANCELLED')),
            created_at timestamptz NOT NULL DEFAULT now(),
            live_at timestamptz,
            started_position bigint NOT NULL DEFAULT 0,
            events_done bigint NOT NULL DEFAULT 0,
            events_total bigint NOT NULL DEFAULT 0,
            rate double precision,
            cancel_requested boolean NOT NULL DEFAULT false,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (target, version)
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX read_model_versions_one_live "
        "ON read_model_versions (target) WHERE status = 'LIVE'"
    )
    op.execute(
        "CREATE UNIQUE INDEX read_model_versions_one_building "
        "ON read_model_versions (target) WHERE status = 'BUILDING'"
    )


def downgrade() -> None:
    op.execute("DROP TABLE read_model_versions")
