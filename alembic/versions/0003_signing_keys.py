"""The API's token signing keys, and the client assertions already used.

`signing_keys` holds one current key (retired_at NULL) that signs new access tokens, and the
keys it replaced, still published until `not_after`, when every token they signed has expired.
The private halves are readable by the owner only: no tenant role is granted anything here.

`used_client_assertions` remembers each `private_key_jwt` assertion's jti until it expires, so an
intercepted assertion cannot be replayed (RFC 7523 §3, item 7).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE signing_keys (
            kid text PRIMARY KEY,
            private_jwk jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            retired_at timestamptz,
            not_after timestamptz,
            CHECK ((retired_at IS NULL) = (not_after IS NULL))
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((true)) "
        "WHERE retired_at IS NULL"
    )
    op.execute("REVOKE ALL ON signing_keys FROM PUBLIC")
    op.execute(
        """
        CREATE TABLE used_client_assertions (
            client_id text NOT NULL,
            jti text NOT NULL,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (client_id, jti)
        )
        """
    )
    op.execute("CREATE INDEX used_client_assertions_expiry ON used_client_assertions (expires_at)")


def downgrade() -> None:
    op.execute("DROP TABLE used_client_assertions")
    op.execute("DROP TABLE signing_keys")
