"""The event log: one table for every aggregate of the platform.

The columns, key, index and composite type are the ones eventsourcing's PostgreSQL application
recorder expects (it is configured with CREATE_TABLE=n: this migration alone creates them).

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The recorder inserts a batch as one array of this composite type (unnest).
    op.execute(
        "CREATE TYPE stored_event_uuid AS "
        "(originator_id uuid, originator_version bigint, topic text, state bytea)"
    )
    op.execute(
        """
        CREATE TABLE osezia_events (
            originator_id uuid NOT NULL,
            originator_version bigint NOT NULL,
            topic text,
            state bytea,
            notification_id bigserial,
            PRIMARY KEY (originator_id, originator_version)
        ) WITH (
            autovacuum_enabled = true,
            autovacuum_vacuum_threshold = 100000000,
            autovacuum_vacuum_scale_factor = 0.5,
            autovacuum_analyze_threshold = 1000,
            autovacuum_analyze_scale_factor = 0.01
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX osezia_events_notification_id_idx "
        "ON osezia_events (notification_id ASC)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE osezia_events")
    op.execute("DROP TYPE stored_event_uuid")
