"""Events: whether one is open to every network's registrations (the national day always is),
and the day it was held. Rows stored before: the national day is open, no event was held.

Revision ID: r0010
Revises: r0009
"""

from alembic import op

revision = "r0010"
down_revision = "r0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE events ADD COLUMN is_open boolean NOT NULL DEFAULT false")
    op.execute("UPDATE events SET is_open = true WHERE kind = 'NATIONAL_DAY'")
    op.execute("ALTER TABLE events ADD COLUMN held_on date")


def downgrade() -> None:
    op.execute("ALTER TABLE events DROP COLUMN held_on")
    op.execute("ALTER TABLE events DROP COLUMN is_open")
