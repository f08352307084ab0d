"""State-guaranteed loans and acceleration cohorts.

Revision ID: r0004
Revises: r0003
"""

from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER


def downgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER
