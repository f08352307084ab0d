"""The solutions catalogue, adoptions and the budget.

Revision ID: r0005
Revises: r0004
"""

from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER


def downgrade() -> None:
    op.execute("SELECT 1")  # PLACEHOLDER
