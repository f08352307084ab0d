"""A company records its catégorie juridique (INSEE, 4 digits), which tells a sole trader.
Companies registered before have none until a network records it.

Revision ID: r0014
Revises: r0013
"""

from alembic import op

revision = "r0014"
down_revision = "r0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE companies ADD COLUMN legal_category text")


def downgrade() -> None:
    op.execute("ALTER TABLE companies DROP COLUMN legal_category")
