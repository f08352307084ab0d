"""Académie de l'IA: training enrolments.

Revision ID: r0003
Revises: r0002
"""

from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER


def downgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER
