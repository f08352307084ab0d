"""Settings: the public URL, token lifetimes, rate limits and trusted proxies, checked at start."""

from __future__ import annotations

import ipaddress

import pytest

from osezia.store.settings import SettingsError, load_settings


def test_the_public_url_defaults_to_where_the_server_listens_and_is_the_tokens_issuer() -> None:
    settings = load_settings({"OSEZIA_HOST": "0.0.0.0", "OSEZIA_PORT": "8123"})

    assert settings.public_url == "http://127.0.0.1:8123"
    assert settings.issuer == settings.public_url
    assert settings.token_endpoint == "http://127.0.0.1:8123/oauth/token"


def test_production_requires_an_https_public_url() -> None:
    with pytest.raises(SettingsError, match="OSEZIA_PUBLIC_URL is required"):
        load_settings({"OSEZIA_ENV": "production"})
    with pytest.raises(SettingsError, match="https://"):
        load_settings({"OSEZIA_ENV": "production", "OSEZIA_PUBLIC_URL": "http://api.example.fr"})

    settings = load_settings(
        {"OSEZIA_ENV": "production", "OSEZIA_PUBLIC_URL": "https://api.example.fr/"}
    )
    assert settings.token_endpoint == "https://api.example.fr/oauth/token"


def test_the_replaced_issuer_setting_is_refused_with_its_successor_named() -> None:
    with pytest.raises(SettingsError, match="replaced by OSEZIA_PUBLIC_URL"):
        load_settings({"OSEZIA_ISSUER": "http://127.0.0.1:8000"})


def test_a_token_lifetime_beyond_the_maximum_is_refused() -> None:
    with pytest.raises(SettingsError, match="exceeds OSEZIA_MAX_TOKEN_LIFETIME"):
        load_settings({"OSEZIA_TOKEN_LIFETIME": "1800", "OSEZIA_MAX_TOKEN_LIFETIME": "900"})
    assert load_settings({}).max_token_lifetime == 3600


@pytest.mark.parametrize(
    "name",
    ["OSEZIA_TOKEN_RATE_PER_CLIENT", "OSEZIA_TOKEN_RATE_PER_ADDRESS", "OSEZIA_SECRET_OVERLAP"],
)
@pytest.mark.parametrize("value", ["-1", "ten", "99999999"])
def test_counts_and_durations_must_be_whole_numbers_in_range(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


def test_trusted_proxies_are_addresses_or_networks() -> None:
    settings = load_settings({"OSEZIA_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"})
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("127.0.0.1/32"),
    )
    with pytest.raises(SettingsError, match="OSEZIA_TRUSTED_PROXIES"):
        load_settings({"OSEZIA_TRUSTED_PROXIES": "the load balancer"})


def test_a_short_session_secret_is_refused() -> None:
    with pytest.raises(SettingsError, match="OSEZIA_SESSION_SECRET"):
        load_settings({"OSEZIA_SESSION_SECRET": "short"})


def test_people_signing_in_in_production_need_a_session_secret() -> None:
    people = {
        "OSEZIA_ENV": "production",
        "OSEZIA_PUBLIC_URL": "https://osezia.example.fr",
        "OSEZIA_OIDC_ISSUER": "https://idp.example.fr/realms/osezia",
        "OSEZIA_OIDC_JWKS_URL": "https://idp.example.fr/realms/osezia/certs",
        "OSEZIA_OIDC_CLIENT_ID": "osezia-dashboard",
    }
    with pytest.raises(SettingsError, match="OSEZIA_SESSION_SECRET is required"):
        load_settings(people)

    settings = load_settings({**people, "OSEZIA_SESSION_SECRET": "s" * 32})
    assert settings.oidc is not None
    assert settings.oidc.discovery_url == (
        "https://idp.example.fr/realms/osezia/.well-known/openid-configuration"
    )


@pytest.mark.parametrize("name", ["OSEZIA_PORT", "OSEZIA_TOKEN_LIFETIME"])
@pytest.mark.parametrize("value", ["²", "８０８０", "-1", " 900"])
def test_a_number_that_is_not_plain_ascii_digits_is_a_settings_error(name: str, value: str) -> None:
    """str.isdigit() accepts '²', which int() refuses: that must not end in a traceback."""
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


def test_the_process_environment_is_read_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OSEZIA_REBUILD_LEASE", "120")
    monkeypatch.setenv("OSEZIA_TRUSTED_PROXIES", "10.0.0.0/8")

    settings = load_settings()

    assert settings.rebuild_lease_seconds == 120
    assert settings.trusted_proxies == (ipaddress.ip_network("10.0.0.0/8"),)


@pytest.mark.parametrize(
    ("name", "field", "default"),
    [
        ("OSEZIA_REBUILD_LEASE", "rebuild_lease_seconds", 45),
        ("OSEZIA_MAX_BODY_BYTES", "max_body_bytes", 1024 * 1024),
        ("OSEZIA_RESPONSE_CACHE", "response_cache", True),
        ("OSEZIA_METRICS_PORT", "metrics_port", None),
        ("DATABASE_URL", "database_url", None),
    ],
)
def test_a_variable_set_but_empty_is_its_default(name: str, field: str, default: object) -> None:
    assert getattr(load_settings({name: ""}), field) == default


@pytest.mark.parametrize("name", ["OSEZIA_PORT", "OSEZIA_ENV", "OSEZIA_TOKEN_LIFETIME"])
def test_a_variable_that_has_no_meaning_empty_is_refused_empty(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: ""})


def test_the_log_format_follows_the_environment_unless_given() -> None:
    production = {"OSEZIA_ENV": "production", "OSEZIA_PUBLIC_URL": "https://api.example.fr"}

    assert load_settings({}).log_format == "text"
    assert load_settings(production).log_format == "json"
    assert load_settings({**production, "OSEZIA_LOG_FORMAT": "text"}).log_format == "text"
    with pytest.raises(SettingsError, match="OSEZIA_LOG_FORMAT must be 'json' or 'text'"):
        load_settings({"OSEZIA_LOG_FORMAT": "xml"})


def test_an_openid_provider_is_both_its_issuer_and_its_keys() -> None:
    with pytest.raises(SettingsError, match="go together"):
        load_settings({"OSEZIA_OIDC_ISSUER": "https://idp.example.fr/realms/osezia"})

    settings = load_settings(
        {
            "OSEZIA_OIDC_ISSUER": "https://idp.example.fr/realms/osezia",
            "OSEZIA_OIDC_JWKS_URL": "http://idp.example.fr/certs",
            "OSEZIA_AUDIENCE": "osezia-test",
        }
    )
    assert settings.oidc is not None
    assert settings.oidc.audience == "osezia-test"
    assert settings.oidc.tenant_claim == "osezia_tenant"
    with pytest.raises(SettingsError, match="OSEZIA_OIDC_JWKS_URL must be an https:// URL"):
        load_settings(
            {
                "OSEZIA_ENV": "production",
                "OSEZIA_PUBLIC_URL": "https://api.example.fr",
                "OSEZIA_OIDC_ISSUER": "https://idp.example.fr/realms/osezia",
                "OSEZIA_OIDC_JWKS_URL": "http://idp.example.fr/certs",
            }
        )


def test_secrets_stay_out_of_the_repr() -> None:
    settings = load_settings(
        {
            "OSEZIA_SESSION_SECRET": "s" * 40,
            "OSEZIA_METRICS_TOKEN": "m" * 20,
            "DATABASE_READER_URL": "postgresql://reader:hunter2@127.0.0.1/osezia",
        }
    )

    assert "s" * 40 not in repr(settings)
    assert "m" * 20 not in repr(settings)
    assert "hunter2" not in repr(settings)


def test_the_worker_runs_with_the_settings_it_is_given() -> None:
    from osezia.workers.settings import startup, worker_settings

    settings = load_settings(
        {"REDIS_URL": "redis://127.0.0.1:6390/3", "OSEZIA_REBUILD_LEASE": "120"}
    )

    options = worker_settings(settings)

    assert options["ctx"] == {"settings": settings}
    assert options["on_startup"] is startup
    assert [f.timeout_s for f in options["functions"]] == [120]
    assert (options["redis_settings"].port, options["redis_settings"].database) == (6390, 3)


def test_the_key_store_url_is_a_setting_checked_at_start_and_kept_out_of_the_repr() -> None:
    settings = load_settings({"OSEZIA_KEYS_URL": "postgresql://keys:hunter3@keys.internal/k"})

    assert settings.keys_url == "postgresql://keys:hunter3@keys.internal/k"
    assert "hunter3" not in repr(settings)
    assert load_settings({"OSEZIA_KEYS_URL": ""}).keys_url is None
    with pytest.raises(SettingsError, match="OSEZIA_KEYS_URL"):
        load_settings({"OSEZIA_KEYS_URL": "mysql://keys.internal/k"})
