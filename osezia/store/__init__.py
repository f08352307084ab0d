"""Storage machinery: settings, the event recorder, group commit, the bulk writer, migrations
and the embedded PostgreSQL."""
