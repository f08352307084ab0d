"""Survey measurements (INSEE's TIC survey, Bpifrance Le Lab…), public, with their revisions.

Revision ID: r0012
Revises: r0011
"""

from alembic import op

revision = "r0012"
down_revision = "r0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE survey_measurements (
            id uuid PRIMARY KEY,
            owner text NOT NULL,
            survey text NOT NULL,
            measures text NOT NULL,
            population text NOT NULL,
            year integer NOT NULL,
            segment text,
            value_basis_points integer NOT NULL,
            source_url text NOT NULL,
            revisions jsonb NOT NULL,
            recorded_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            position bigint NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX survey_measurements_year ON survey_measurements (year, survey)")


def downgrade() -> None:
    op.execute("DROP TABLE survey_measurements")
