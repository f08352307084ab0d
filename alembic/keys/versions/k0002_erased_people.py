"""Tombstones of the people erased: no key is made for them again.

`erased_people` holds the (subject, subject_id) of each person whose keys an erasure destroyed:
the key store's own name for them (a record's UUID, a keyed digest of a learner's network and
reference, a SIREN), nothing more. The key store refuses to make them a key, so that a command
carrying a personal field of someone erased cannot record it readable again.

Revision ID: k0002
Revises: k0001
"""

from alembic import op

revision = "k0002"
down_revision = "k0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE erased_people (
            subject text NOT NULL,
            subject_id text NOT NULL,
            erased_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (subject, subject_id)
        )
        """
    )
    op.execute("REVOKE ALL ON erased_people FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP TABLE erased_people")
