"""An ambassador records who they are, as the plan describes them (entrepreneur, athlete,
artist, sous-préfet référent, expert). Ambassadors appointed before have none, as their events.

Revision ID: r0013
Revises: r0012
"""

from alembic import op

revision = "r0013"
down_revision = "r0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE ambassadors ADD COLUMN profile text")


def downgrade() -> None:
    op.execute("ALTER TABLE ambassadors DROP COLUMN profile")
