"""eventsourcing's PostgreSQL recorder, sending each batch of events in binary.

The SQL is the library's own, LOCK TABLE and NOTIFY included; only the parameter that carries
the array of stored events travels in PostgreSQL's binary format (`%b`), which spares the
client from quoting every event's bytes as text. Selected by APPLICATION_RECORDER_TOPIC.
"""

from __future__ import annotations

from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Composed


class BinaryParameterRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        text = self.insert_events_statement.as_string()
        assert text.count("unnest(%s::") == 1, text  # the statement this subclass knows
        binary = text.replace("unnest(%s::", "unnest(%b::")
        self.insert_events_statement = Composed([SQL(binary)])
