"""GraphQL documents registered by the operators, shared by every replica.

`osezia documents add FILE` registers a document under its SHA-256 (lowercase hex, as Apollo's
persisted queries name it). Clients may then send the hash alone; with
OSEZIA_REGISTERED_DOCUMENTS_ONLY=1 only registered documents run. A document is never changed:
another text is another hash. No tenant role is granted anything here.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE registered_documents (
            hash text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
            document text NOT NULL,
            name text NOT NULL,
            registered_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("REVOKE ALL ON registered_documents FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP TABLE registered_documents")
