"""The event log only grows: no UPDATE, DELETE or TRUNCATE of `osezia_events`, by anyone.

The API's writer role holds UPDATE on the log only because the recorder's
`LOCK TABLE … IN EXCLUSIVE MODE` asks for it; these triggers refuse the statements themselves,
whichever role sends them. (A superuser can still set session_replication_role = replica, under
which ordinary triggers do not fire: the tests empty the log that way.)

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION osezia_events_only_grow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the event log only grows: % on osezia_events is refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER osezia_events_only_grow BEFORE UPDATE OR DELETE OR TRUNCATE "
        "ON osezia_events FOR EACH STATEMENT EXECUTE FUNCTION osezia_events_only_grow()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER osezia_events_only_grow ON osezia_events")
    op.execute("DROP FUNCTION osezia_events_only_grow()")
