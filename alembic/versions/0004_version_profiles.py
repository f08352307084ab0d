"""Each read-model version remembers the profile it was built with, so that a profile change
(what a network may see) triggers a rebuild.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE read_model_versions ADD COLUMN profile jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE read_model_versions DROP COLUMN profile")
