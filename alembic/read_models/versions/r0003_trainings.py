"""Académie de l'IA: training enrolments.

Each milestone keeps the recorded time of the event that reached it (`enrolled_at`,
`completed_at`) beside its business date, so that figures can be counted as of any day.

Revision ID: r0003
Revises: r0002
"""

from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE trainings (
            id uuid PRIMARY KEY,
            owner text NOT NULL,
            learner_ref text NOT NULL,
            audience text NOT NULL,
            region text NOT NULL,
            company_id uuid,
            training_code text NOT NULL,
            training_title text NOT NULL,
            status text NOT NULL,
            enrolled_on date NOT NULL,
            enrolled_at timestamptz NOT NULL,
            completed_on date,
            completed_at timestamptz,
            updated_at timestamptz NOT NULL,
            position bigint NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX trainings_filters ON trainings (audience, status, region)")
    op.execute("CREATE INDEX trainings_company ON trainings (company_id)")


def downgrade() -> None:
    op.execute("DROP TABLE trainings")
