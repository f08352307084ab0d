"""An application to a call names its priority sector of « Pionniers de l'IA » (industry,
energy, cybersecurity, health, ecological transition), counted in the calls' figures.
Applications stored before name none, as their events do.

Revision ID: r0011
Revises: r0010
"""

from alembic import op

revision = "r0011"
down_revision = "r0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE call_applications ADD COLUMN priority_sector text")


def downgrade() -> None:
    op.execute("ALTER TABLE call_applications DROP COLUMN priority_sector")
