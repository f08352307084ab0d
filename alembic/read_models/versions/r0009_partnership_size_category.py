"""A partnership keeps the company's legal size category at its signature: only SMEs count
towards INRIA's yearly target. Rows signed before have none (unknown), as their events do.

Revision ID: r0009
Revises: r0008
"""

from alembic import op

revision = "r0009"
down_revision = "r0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE partnerships ADD COLUMN size_category text")


def downgrade() -> None:
    op.execute("ALTER TABLE partnerships DROP COLUMN size_category")
