"""The API's login roles come from the owner's DATABASE_URL: same server, their own names, and
passwords only the owner's password gives."""

from __future__ import annotations

from urllib.parse import urlsplit

from osezia.projections.names import database_tag, reader_role, tenant_role
from osezia.projections.roles import login_url
from osezia.store.settings import Database


def test_a_login_role_keeps_the_owners_server_and_database_with_its_own_name_and_password() -> None:
    url = login_url(
        "postgresql://owner:s%40cret@db.example.org:6432/osezia?sslmode=require", "reader"
    )

    reader = Database.from_url(url)
    assert (reader.host, reader.port, reader.dbname) == ("db.example.org", 6432, "osezia")
    assert reader.user == reader_role("osezia")
    assert len(reader.password) == 64
    assert reader.password not in {"s@cret", ""}
    assert urlsplit(url).query == "sslmode=require"


def test_each_role_has_its_own_password_and_another_owner_password_gives_others() -> None:
    owner = "postgresql://owner:one@127.0.0.1/osezia"

    passwords = {
        Database.from_url(login_url(owner, kind)).password
        for kind in ("reader", "writer", "service")
    }
    other = Database.from_url(login_url("postgresql://owner:two@127.0.0.1/osezia", "reader"))

    assert len(passwords) == 3
    assert other.password not in passwords


def test_without_an_owner_password_the_roles_have_none_rather_than_a_guessable_one() -> None:
    url = login_url("postgresql://postgres@/osezia?host=/run/postgresql", "writer")

    writer = Database.from_url(url)
    assert writer.password == ""
    assert writer.host == "/run/postgresql"


def test_role_names_carry_the_database_and_fit_in_63_characters() -> None:
    longest = "a" + "-" * 29 + "z"

    assert tenant_role("cci", "osezia") != tenant_role("cci", "osezia_staging")
    assert tenant_role("cci", "osezia") == f"osezia_{database_tag('osezia')}_tenant_cci"
    assert len(tenant_role(longest, "x" * 63)) <= 63
