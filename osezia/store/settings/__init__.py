"""Settings, read once from the environment (pydantic-settings) and checked at start: a value
osezia cannot use is a SettingsError whose message names the variable and what is expected.

`checks` says what each kind of value must be; `database` parses the database's URL and names
this process's connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from osezia.store.settings import checks
from osezia.store.settings.database import (
    CHECK_TIMEOUT,
    CONNECT_TIMEOUT,
    Database,
    SettingsError,
    application_name,
    use_application_name,
)
from osezia.store.settings.oidc import OidcProvider

__all__ = [
    "CHECK_TIMEOUT",
    "CONNECT_TIMEOUT",
    "DATABASE_URL_REQUIRED",
    "Database",
    "OidcProvider",
    "Settings",
    "SettingsError",
    "application_name",
    "load_settings",
    "require_database_url",
    "use_application_name",
]


DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# An API process's connections for tenants' reads: under more requests at once, a read waits
# its turn. Twenty keep `serve --workers 2` within PostgreSQL's default 100 connections.
DEFAULT_READ_CONNECTIONS = 20
DEFAULT_MAX_TOKEN_LIFETIME = 3600  # seconds
DEFAULT_SECRET_OVERLAP = 86_400  # seconds an old client secret keeps working after a rotation
DEFAULT_REBUILD_LEASE = 45  # seconds
DEFAULT_GRAPHQL_COST_PER_MINUTE = 60_000  # ten pages of 100 rows a second, a minute long
DEFAULT_RETAIN_LEARNERS_DAYS = 3 * 365
DEFAULT_RETAIN_AMBASSADORS_DAYS = 365
SESSION_SECRET_MIN_LENGTH = 32
METRICS_TOKEN_MIN_LENGTH = 16


DEV_HEADER_IN_PRODUCTION = (
    "OSEZIA_DEV_TENANT_HEADER=1 is refused with OSEZIA_ENV=production: "
    "in production the API accepts access tokens only"
)


def _env(name: str, **more: Any) -> Any:
    """A field read from the environment variable `name`."""
    return Field(validation_alias=name, **more)


# Each field is the environment variable its alias names; `load_settings` reads them all,
# once, and the checks below run in the order of the fields (a later one may use an earlier
# one's value, such as OSEZIA_ENV for the https:// rule).
class Settings(BaseSettings):
    """osezia's settings, from the environment (pydantic-settings), checked at start."""

    model_config = SettingsConfigDict(
        case_sensitive=True,
        frozen=True,
        validate_by_name=True,
        enable_decoding=False,  # lists are comma-separated, not JSON
        validate_default=False,  # the defaults are valid; the checks are for what is given
        extra="ignore",
    )

    port: Annotated[int, BeforeValidator(checks.tcp_port)] = _env("OSEZIA_PORT", default=8000)
    environment: Annotated[
        Literal["development", "production"], checks.one_of("development", "production")
    ] = _env("OSEZIA_ENV", default="development")
    database_url: Annotated[str | None, BeforeValidator(checks.database_url)] = _env(
        "DATABASE_URL", default=None
    )
    redis_url: Annotated[str | None, BeforeValidator(checks.redis_url)] = _env(
        "REDIS_URL", default=None
    )
    # Refused with its successor named; never set on a valid Settings.
    replaced_issuer: Annotated[None, BeforeValidator(checks.replaced_issuer)] = _env(
        "OSEZIA_ISSUER", default=None, exclude=True, repr=False
    )
    audience: Annotated[str, BeforeValidator(checks.audience)] = _env(
        "OSEZIA_AUDIENCE", default="osezia-api"
    )
    token_lifetime: Annotated[int, checks.whole(60, 3600)] = _env(
        "OSEZIA_TOKEN_LIFETIME", default=900
    )
    # An access token valid for longer than this is refused, ours and an OpenID provider's.
    max_token_lifetime: Annotated[int, checks.whole(60, 86_400), checks.EmptyIsUnset] = _env(
        "OSEZIA_MAX_TOKEN_LIFETIME", default=DEFAULT_MAX_TOKEN_LIFETIME
    )
    dev_tenant_header: Annotated[bool, BeforeValidator(checks.flag), checks.EmptyIsUnset] = _env(
        "OSEZIA_DEV_TENANT_HEADER", default=False
    )
    host: str = _env("OSEZIA_HOST", default="127.0.0.1")
    # Where clients reach osezia: the tokens' `iss`, the token endpoint that `private_key_jwt`
    # assertions name as `aud`, the address the CLI prints. Never taken from request headers.
    # Default: where the server listens; required in production.
    public_url: Annotated[str, AfterValidator(checks.public_url), checks.EmptyIsUnset] = _env(
        "OSEZIA_PUBLIC_URL", default_factory=checks.default_public_url
    )
    # An external OpenID Connect provider whose access tokens the API accepts (`oidc`).
    oidc_issuer: Annotated[str | None, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_ISSUER", default=None
    )
    oidc_jwks_url: Annotated[str | None, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_JWKS_URL", default=None
    )
    oidc_audience: Annotated[str | None, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_AUDIENCE", default=None
    )
    oidc_tenant_claim: Annotated[str, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_TENANT_CLAIM", default="osezia_tenant"
    )
    oidc_roles_claim: Annotated[str, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_ROLES_CLAIM", default="osezia_roles"
    )
    oidc_client_id: Annotated[str | None, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_CLIENT_ID", default=None
    )
    oidc_client_secret: Annotated[str | None, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_CLIENT_SECRET", default=None, repr=False
    )
    oidc_metadata_url: Annotated[str | None, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_METADATA_URL", default=None
    )
    oidc_scopes: Annotated[str, checks.EmptyIsUnset] = _env(
        "OSEZIA_OIDC_SCOPES", default="openid profile"
    )
    secret_overlap: Annotated[int, checks.whole(0, 30 * 86_400), checks.EmptyIsUnset] = _env(
        "OSEZIA_SECRET_OVERLAP", default=DEFAULT_SECRET_OVERLAP
    )
    # Requests per minute to /oauth/token, per client id and per source address.
    token_rate_per_client: Annotated[
        int, checks.whole(1, 100_000, unit="requests"), checks.EmptyIsUnset
    ] = _env("OSEZIA_TOKEN_RATE_PER_CLIENT", default=60)
    token_rate_per_address: Annotated[
        int, checks.whole(1, 100_000, unit="requests"), checks.EmptyIsUnset
    ] = _env("OSEZIA_TOKEN_RATE_PER_ADDRESS", default=300)
    # Peers whose X-Forwarded-For is believed (a load balancer's addresses); nobody else's is.
    trusted_proxies: Annotated[tuple[checks.Network, ...], BeforeValidator(checks.proxies)] = _env(
        "OSEZIA_TRUSTED_PROXIES", default=()
    )
    # How long a worker's run holds a rebuild (arq's job timeout): a dead worker's rebuild is
    # taken over this long, plus 10 s, after it died.
    rebuild_lease_seconds: Annotated[int, checks.whole(4, 3600), checks.EmptyIsUnset] = _env(
        "OSEZIA_REBUILD_LEASE", default=DEFAULT_REBUILD_LEASE
    )
    # How long a learner's data is kept after their last training, and an ambassador's after
    # their withdrawal, before the worker's daily retention job erases them (docs/privacy.md).
    retain_learners_days: Annotated[
        int, checks.whole(1, 36_500, unit="days"), checks.EmptyIsUnset
    ] = _env("OSEZIA_RETAIN_LEARNERS_DAYS", default=DEFAULT_RETAIN_LEARNERS_DAYS)
    retain_ambassadors_days: Annotated[
        int, checks.whole(1, 36_500, unit="days"), checks.EmptyIsUnset
    ] = _env("OSEZIA_RETAIN_AMBASSADORS_DAYS", default=DEFAULT_RETAIN_AMBASSADORS_DAYS)
    # Signs the dashboard's session cookie (a person signed in through the OpenID provider);
    # required in production when people sign in. Kept out of the repr, like a password.
    session_secret: Annotated[
        str | None,
        checks.secret(
            SESSION_SECRET_MIN_LENGTH, "a random secret that signs the dashboard's session cookie"
        ),
    ] = _env("OSEZIA_SESSION_SECRET", default=None, repr=False)
    response_cache: Annotated[bool, BeforeValidator(checks.flag), checks.EmptyIsUnset] = _env(
        "OSEZIA_RESPONSE_CACHE", default=True
    )
    # A bearer token Prometheus sends to read /metrics; kept out of the repr, like a password.
    metrics_token: Annotated[
        str | None,
        checks.secret(
            METRICS_TOKEN_MIN_LENGTH,
            "a random secret that Prometheus sends as a bearer token",
            ascii_only=True,
        ),
    ] = _env("OSEZIA_METRICS_TOKEN", default=None, repr=False)
    # Pages that may open a websocket, besides our own, and call the API from a browser (CORS).
    allowed_origins: Annotated[tuple[str, ...], BeforeValidator(checks.origins)] = _env(
        "OSEZIA_ALLOWED_ORIGINS", default=()
    )
    # Only documents registered with `osezia documents add` run, sent whole or by their hash.
    registered_documents_only: Annotated[
        bool, BeforeValidator(checks.flag), checks.EmptyIsUnset
    ] = _env("OSEZIA_REGISTERED_DOCUMENTS_ONLY", default=False)
    # What one client's GraphQL requests may cost a minute (a request costs 1, and the rows its
    # lists may return); 0: no limit.
    graphql_cost_per_minute: Annotated[
        int, checks.whole(0, 10**9, unit="cost units a minute"), checks.EmptyIsUnset
    ] = _env("OSEZIA_GRAPHQL_COST_PER_MINUTE", default=DEFAULT_GRAPHQL_COST_PER_MINUTE)
    # A larger request body is refused (413) unread.
    max_body_bytes: Annotated[
        int, checks.whole(1024, 1024**3, unit="bytes"), checks.EmptyIsUnset
    ] = _env("OSEZIA_MAX_BODY_BYTES", default=DEFAULT_MAX_BODY_BYTES)
    # Connections an API process reads tenants' read models over (see DEFAULT_READ_CONNECTIONS).
    read_connections: Annotated[
        int, checks.whole(1, 1000, unit="connections"), checks.EmptyIsUnset
    ] = _env("OSEZIA_READ_CONNECTIONS", default=DEFAULT_READ_CONNECTIONS)
    # Login roles managed outside osezia, in place of those derived from DATABASE_URL
    # (osezia.projections.roles); kept out of the repr, like passwords.
    reader_url: Annotated[str | None, BeforeValidator(checks.database_url)] = _env(
        "DATABASE_READER_URL", default=None, repr=False
    )
    writer_url: Annotated[str | None, BeforeValidator(checks.database_url)] = _env(
        "DATABASE_WRITER_URL", default=None, repr=False
    )
    service_url: Annotated[str | None, BeforeValidator(checks.database_url)] = _env(
        "DATABASE_SERVICE_URL", default=None, repr=False
    )
    # The key store's own database (osezia.store.keys_setup): required in production, apart
    # from DATABASE_URL's server; kept out of the repr, like a password.
    keys_url: Annotated[str | None, BeforeValidator(checks.database_url)] = _env(
        "OSEZIA_KEYS_URL", default=None, repr=False
    )
    # "json": one JSON object a line (the default in production); "text": for a person's terminal.
    log_format: Annotated[
        Literal["json", "text"], checks.one_of("json", "text"), checks.EmptyIsUnset
    ] = _env(
        "OSEZIA_LOG_FORMAT",
        default_factory=lambda data: "json" if data.get("environment") == "production" else "text",
    )
    # The port on which `osezia project` and `osezia worker` serve /metrics and /healthz;
    # None: the role's own default.
    metrics_port: Annotated[int | None, BeforeValidator(checks.tcp_port), checks.EmptyIsUnset] = (
        _env("OSEZIA_METRICS_PORT", default=None)
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The values given, then the environment; no .env file, no secrets directory."""
        return init_settings, env_settings

    @model_validator(mode="before")
    @classmethod
    def _public_url_in_production(cls, data: Any) -> Any:
        """Before any field's check: an empty OSEZIA_PUBLIC_URL is as missing as an unset one."""

        def given(name: str) -> Any:
            return data.get(name) or data.get(cls.model_fields[name].validation_alias)

        production = isinstance(data, dict) and given("environment") == "production"
        if production and str(given("dev_tenant_header")) == "1":
            # Named first: a development shortcut left on in production is the graver mistake.
            raise ValueError(DEV_HEADER_IN_PRODUCTION)
        if production and not given("public_url"):
            raise ValueError(
                "OSEZIA_PUBLIC_URL is required with OSEZIA_ENV=production: the https:// "
                "address clients reach osezia at, such as https://osezia.example.gouv.fr"
            )
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.token_lifetime > self.max_token_lifetime:
            raise ValueError(
                f"OSEZIA_TOKEN_LIFETIME ({self.token_lifetime} s) exceeds "
                f"OSEZIA_MAX_TOKEN_LIFETIME ({self.max_token_lifetime} s): the tokens osezia "
                "issues would be refused by osezia itself"
            )
        if self.dev_tenant_header and self.is_production:
            raise ValueError(DEV_HEADER_IN_PRODUCTION)
        if (self.oidc_issuer is None) != (self.oidc_jwks_url is None):
            raise ValueError(
                "OSEZIA_OIDC_ISSUER and OSEZIA_OIDC_JWKS_URL go together: set both to accept an "
                "OpenID Connect provider's tokens, or neither"
            )
        if self.oidc_jwks_url is not None:
            # Keys fetched over plain HTTP could be replaced on the way: production requires TLS.
            checks.http_url(self.oidc_jwks_url, "OSEZIA_OIDC_JWKS_URL", https=self.is_production)
            if self.oidc_metadata_url is not None:
                checks.http_url(
                    self.oidc_metadata_url, "OSEZIA_OIDC_METADATA_URL", https=self.is_production
                )
        if (
            self.is_production
            and self.oidc is not None
            and self.oidc_client_id
            and not self.session_secret
        ):
            raise ValueError(
                "OSEZIA_SESSION_SECRET is required with OSEZIA_OIDC_CLIENT_ID in production: "
                "every replica signs the dashboard's session cookie with it"
            )
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def oidc(self) -> OidcProvider | None:
        """The OpenID Connect provider whose access tokens the API accepts, if any."""
        if self.oidc_issuer is None or self.oidc_jwks_url is None:
            return None
        return OidcProvider(
            issuer=self.oidc_issuer,
            jwks_url=self.oidc_jwks_url,
            audience=self.oidc_audience or self.audience,
            tenant_claim=self.oidc_tenant_claim,
            roles_claim=self.oidc_roles_claim,
            client_id=self.oidc_client_id,
            client_secret=self.oidc_client_secret,
            metadata_url=self.oidc_metadata_url,
            scopes=self.oidc_scopes,
        )

    @property
    def role_urls(self) -> dict[str, str | None]:
        """The configured login roles, by what they stand for (osezia.projections.roles)."""
        return {"reader": self.reader_url, "writer": self.writer_url, "service": self.service_url}

    @property
    def issuer(self) -> str:
        """Our access tokens' `iss`: the public URL."""
        return self.public_url

    @property
    def token_endpoint(self) -> str:
        return self.public_url.rstrip("/") + "/oauth/token"


class _Given(EnvSettingsSource):
    """The environment source, over a mapping given instead of os.environ."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(Settings)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return dict(self._environ)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Every setting, from `environ` (default: the process's environment), checked; a value
    osezia cannot use is a SettingsError naming its variable."""
    try:
        if environ is None:
            return Settings()
        return Settings(_build_sources=((_Given(environ),), {}))  # type: ignore[call-arg]
    except ValidationError as invalid:
        raise SettingsError(_message(invalid)) from None


def _message(invalid: ValidationError) -> str:
    """The first error, as the validator worded it, or pydantic's with the variable named."""
    for error in invalid.errors():
        if error["type"] == "default_factory_not_called":
            continue  # follows from an earlier error
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, ValueError):
            return str(cause)
        where = ".".join(str(part) for part in error["loc"])
        return f"{where}: {error['msg']}, got {error.get('input')!r}"
    return str(invalid)


DATABASE_URL_REQUIRED = (
    "DATABASE_URL is required with OSEZIA_ENV=production: the embedded PostgreSQL is for "
    "development only"
)


def require_database_url(settings: Settings) -> None:
    """In production every command runs against DATABASE_URL: falling back on the embedded
    PostgreSQL there would write the plan's records into one container's disk, out of sight."""
    if settings.is_production and settings.database_url is None:
        raise SettingsError(DATABASE_URL_REQUIRED)
