"""The key store: one 256-bit AES-GCM key per person and generation, and the keys of keyed digests.

`personal_keys` holds a key for each (subject, subject_id, generation): the kind of person
(AMBASSADOR, EXPERT, LEARNER, SOLE_TRADER), who (a record's UUID, a keyed digest of a learner's
network and reference, a SIREN), and the generation (a rectification starts a new one). `kid`
is what an encrypted field names; it is never reused, so a field encrypted under a destroyed
key can never be opened by a later one. Erasing a person deletes their rows: nothing is flagged.

`digest_keys` holds the secret of each keyed digest (HMAC-SHA-256) by name, created once.

Revision ID: k0001
Revises:
"""

from alembic import op

revision = "k0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE personal_keys (
            kid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            subject text NOT NULL,
            subject_id text NOT NULL,
            generation integer NOT NULL CHECK (generation > 0),
            key bytea NOT NULL CHECK (length(key) = 32),
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (subject, subject_id, generation)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE digest_keys (
            name text PRIMARY KEY,
            key bytea NOT NULL CHECK (length(key) = 32),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("REVOKE ALL ON personal_keys, digest_keys FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP TABLE digest_keys")
    op.execute("DROP TABLE personal_keys")
