"""Calls for projects and their applications.

Revision ID: r0006
Revises: r0005
"""

from alembic import op

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER


def downgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER
