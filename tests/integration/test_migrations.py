"""Tables come from alembic's migrations, never from starting the application."""

from __future__ import annotations

import psycopg
import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.sizes import SizeFacts
from osezia.projections.migrations import migrate
from osezia.store.migrations import (
    current_revision,
    downgrade,
    head_revision,
    migrate_read_model_schema,
)
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS
from tests.services import fresh_database


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {name for (name,) in rows}


def test_migrating_an_empty_database_reaches_head_and_creates_the_event_log(
    postgres_admin: str,
) -> None:
    with fresh_database(postgres_admin) as url:
        assert current_revision(url) is None

        migrate(url)

        assert current_revision(url) == head_revision(url)
        assert "osezia_events" in tables(url)


def test_downgrading_to_base_and_upgrading_again_gives_the_same_tables(
    postgres_admin: str,
) -> None:
    with fresh_database(postgres_admin) as url:
        migrate(url)
        at_head = tables(url)

        downgrade(url, "base")
        assert "osezia_events" not in tables(url)
        migrate(url)

        assert tables(url) == at_head


def test_starting_the_application_on_an_unmigrated_database_creates_no_table(
    postgres_admin: str,
) -> None:
    with fresh_database(postgres_admin) as url:
        app = Companies(env=Database.from_url(url).eventsourcing_env(), networks=NETWORKS)
        try:
            with pytest.raises(Exception, match="osezia_events"):
                app.register_company(
                    "cci",
                    siren="632012100",
                    legal_name="ACME",
                    region="11",
                    departement="75",
                    naf="62.01Z",
                    size=SizeFacts(staff_band="12"),
                )
        finally:
            app.close()
        assert "osezia_events" not in tables(url)


def test_upgrading_a_read_model_in_place_gives_each_diagnostic_a_status_history_never_early(
    postgres_admin: str,
) -> None:
    """r0007: rows written before the status history get the statuses whose times they kept,
    and the status they are in from their last change (the latest it can have begun)."""
    schema = "tenant_cci_v1"
    with fresh_database(postgres_admin) as url:
        migrate_read_model_schema(url, schema, "r0006")
        with psycopg.connect(url) as conn:
            for n, (status, report, cofinanced, cancelled) in enumerate(
                (
                    ("REQUESTED", None, None, None),
                    ("EXPERT_ASSIGNED", None, None, None),
                    ("COFINANCING_PAID", "2026-03-04", "2026-03-05", None),
                    ("CANCELLED", None, None, "2026-03-06"),
                )
            ):
                conn.execute(
                    f'INSERT INTO "{schema}".diagnostics (id, company_id, company_siren, '
                    "company_name, region, owner, status, expert_days_logged, expert_days_cap, "
                    "use_cases, requested_at, updated_at, position, report_delivered_at, "
                    "cofinanced_at, cancelled_at) VALUES (gen_random_uuid(), gen_random_uuid(), "
                    "'632012100', 'ACME', '53', 'cci', %s, 0, 10, '[]', '2026-03-02T10:00Z', "
                    "coalesce(%s::timestamptz, %s::timestamptz, '2026-03-03T10:00Z'), %s, "
                    "%s::timestamptz + interval '10 hours', %s::timestamptz + interval '10 hours', "
                    "%s::timestamptz + interval '10 hours')",
                    (status, cancelled, cofinanced, n, report, cofinanced, cancelled),
                )

        migrate_read_model_schema(url, schema)

        with psycopg.connect(url) as conn:
            rows = conn.execute(
                f'SELECT status, status_history FROM "{schema}".diagnostics ORDER BY position'
            ).fetchall()
    histories = {status: [(s["status"], s["at"][:10]) for s in history] for status, history in rows}
    assert histories == {
        "REQUESTED": [("REQUESTED", "2026-03-02")],
        "EXPERT_ASSIGNED": [("REQUESTED", "2026-03-02"), ("EXPERT_ASSIGNED", "2026-03-03")],
        "COFINANCING_PAID": [
            ("REQUESTED", "2026-03-02"),
            ("REPORT_DELIVERED", "2026-03-04"),
            ("COFINANCING_PAID", "2026-03-05"),
        ],
        "CANCELLED": [("REQUESTED", "2026-03-02"), ("CANCELLED", "2026-03-06")],
    }
