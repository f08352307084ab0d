"""Tables come from alembic's migrations, never from starting the application."""

from __future__ import annotations

import psycopg
import pytest

from osezia.config import Database
from osezia.domain.companies.application import Companies
from osezia.domain.sizes import SizeFacts
from osezia.migrations import current_revision, downgrade, head_revision, migrate
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
        app = Companies(env=Database.from_url(url).eventsourcing_env())
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
