"""Milestone timestamps on the first read models (figures as of a date).

Revision ID: r0002
Revises: r0001
"""

from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER


def downgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER
