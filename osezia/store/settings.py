"""Settings, read once from the environment (pydantic-settings) and checked at start: a value
osezia cannot use is a SettingsError whose message names the variable and what is expected."""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Self
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticUseDefault
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# Seconds a connection to PostgreSQL may take to open (libpq's connect_timeout, asyncpg's
# timeout): a database that is down or does not answer is reported, not waited for.
CONNECT_TIMEOUT = 3
# What a command gives the database to answer before it starts (libpq's least is 2 seconds).
CHECK_TIMEOUT = 2

ROLES = ("serve", "project", "worker")


def _default_application_name(argv: list[str]) -> str:
    """`osezia serve`, `osezia project` and `osezia worker` are named for their role until
    their logging is configured (which names them too); any other command is osezia-cli."""
    role = argv[1] if len(argv) > 1 else ""
    return f"osezia-{role}" if role in ROLES else "osezia-cli"


# How this process's connections name themselves to PostgreSQL (pg_stat_activity's
# application_name).
_application_name = _default_application_name(sys.argv)


def use_application_name(name: str) -> None:
    """Name this process's connections from now on (observability.logs.configure_logging
    calls this with the process's role)."""
    global _application_name
    _application_name = name


def application_name() -> str:
    return _application_name


class SettingsError(ValueError):
    """A setting has a value osezia cannot use; the message names it and what is expected."""


@dataclass(frozen=True)
class Database:
    """Where the PostgreSQL database is, parsed from a ``postgresql://`` URL."""

    url: str
    dbname: str
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        if parts.scheme not in {"postgresql", "postgres"}:
            raise SettingsError(
                f"DATABASE_URL must start with postgresql://, got {parts.scheme or url!r}"
            )
        query = parse_qs(parts.query)
        # A Unix socket directory may be given as ?host=/path (as embedded PostgreSQL does).
        host = query.get("host", [parts.hostname or "127.0.0.1"])[0]
        try:
            port = int(query.get("port", [parts.port or 5432])[0])
        except ValueError:
            raise SettingsError(f"DATABASE_URL has a port that is not a number: {url!r}") from None
        dbname = unquote(parts.path.lstrip("/")) or "postgres"
        return cls(
            url=url,
            dbname=dbname,
            host=host,
            port=port,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
        )

    def eventsourcing_env(self, pool_size: int = 5) -> dict[str, str]:
        """The environment eventsourcing's PostgreSQL module is configured with."""
        # eventsourcing passes libpq no application_name: libpq reads it from PGAPPNAME.
        os.environ["PGAPPNAME"] = application_name()
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(pool_size),
            # Tables belong to alembic's migrations, never to a side effect of starting.
            "CREATE_TABLE": "n",
            # The library's recorder, its batch of events sent as a binary parameter.
            "APPLICATION_RECORDER_TOPIC": "osezia.store.recorder:BinaryParameterRecorder",
        }

    def sqlalchemy_url(self) -> str:
        """The same database for alembic, through psycopg 3, with a connect timeout."""
        rest = self.url.split("://", 1)[1]
        if "connect_timeout=" not in rest:
            rest += ("&" if "?" in rest else "?") + f"connect_timeout={CONNECT_TIMEOUT}"
        if "application_name=" not in rest:
            rest += f"&application_name={application_name()}"
        return "postgresql+psycopg://" + rest

    def asyncpg_dsn(self) -> str:
        return "postgresql://" + self.url.split("://", 1)[1]


@dataclass(frozen=True)
class OidcProvider:
    """An external OpenID Connect provider whose access tokens the API accepts."""

    issuer: str
    jwks_url: str
    audience: str  # the `aud` its tokens must carry for osezia
    tenant_claim: str  # a claim name, or a dotted path into nested claims
    roles_claim: str
    # For the dashboard's sign-in (authorization code with PKCE): the client osezia is at the
    # provider. Without a client id, people cannot sign in through the provider.
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    # The provider's discovery document (default: the issuer's /.well-known/openid-configuration).
    metadata_url: str | None = None
    scopes: str = "openid profile"

    @property
    def discovery_url(self) -> str:
        return self.metadata_url or (self.issuer.rstrip("/") + "/.well-known/openid-configuration")


DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_TOKEN_LIFETIME = 3600  # seconds
DEFAULT_SECRET_OVERLAP = 86_400  # seconds an old client secret keeps working after a rotation
DEFAULT_REBUILD_LEASE = 45  # seconds
SESSION_SECRET_MIN_LENGTH = 32
METRICS_TOKEN_MIN_LENGTH = 16

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _variable(info: ValidationInfo) -> str:
    """The environment variable a field is read from."""
    name = info.field_name or ""
    alias = Settings.model_fields[name].validation_alias if name else None
    return alias if isinstance(alias, str) else name


def _empty_is_unset(value: object) -> object:
    """Set but empty is as if unset: the default (a blank line in an env file)."""
    if value == "":
        raise PydanticUseDefault
    return value


# Last in an Annotated[...]: pydantic runs before-validators from the last to the first.
EmptyIsUnset = BeforeValidator(_empty_is_unset)


def _whole(low: int, high: int, *, unit: str = "seconds") -> BeforeValidator:
    """A whole number in plain ASCII digits from `low` to `high` (int() would take '²' or
    full-width digits)."""

    def check(value: object, info: ValidationInfo) -> int:
        if isinstance(value, int):  # given in code, not read from the environment
            return value
        text = str(value)
        if text.isascii() and text.isdigit() and low <= int(text) <= high:
            return int(text)
        per = " per minute" if unit == "requests" else ""
        default = Settings.model_fields[info.field_name or ""].default
        raise ValueError(
            f"{_variable(info)} must be a number of {unit}{per} from {low} to {high} "
            f"(default {default}), got {text!r}"
        )

    return BeforeValidator(check)


def _tcp_port(value: object, info: ValidationInfo) -> int:
    if isinstance(value, int):  # given in code, not read from the environment
        return value
    text = str(value)
    if text.isascii() and text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    raise ValueError(f"{_variable(info)} must be a TCP port (1–65535), got {text!r}")


def _one_of(*choices: str) -> BeforeValidator:
    def check(value: object, info: ValidationInfo) -> object:
        if value in choices:
            return value
        allowed = " or ".join(repr(c) for c in choices)
        raise ValueError(f"{_variable(info)} must be {allowed}, got {value!r}")

    return BeforeValidator(check)


def _flag(value: object, info: ValidationInfo) -> bool:
    if isinstance(value, bool):
        return value
    if value not in {"0", "1"}:
        raise ValueError(f"{_variable(info)} must be 0 or 1, got {value!r}")
    return value == "1"


def _database_url(value: object, info: ValidationInfo) -> object:
    """A postgresql:// URL, checked now rather than at the first query; empty is unset."""
    if value == "":
        return None
    if isinstance(value, str):
        try:
            Database.from_url(value)
        except SettingsError as error:
            raise ValueError(str(error).replace("DATABASE_URL", _variable(info))) from None
    return value


def _secret(minimum: int, what: str, *, ascii_only: bool = False) -> BeforeValidator:
    def check(value: object, info: ValidationInfo) -> object:
        if value == "" or value is None:
            return None
        text = str(value)
        if len(text) < minimum or (ascii_only and not (text.isascii() and text.isprintable())):
            kind = "printable ASCII characters" if ascii_only else "characters"
            raise ValueError(f"{_variable(info)} must be at least {minimum} {kind}: {what}")
        return text

    return BeforeValidator(check)


def _comma_separated(value: object) -> tuple[Any, ...]:
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _proxies(value: object) -> object:
    """Comma-separated addresses or networks (10.0.0.0/8) of the proxies in front of osezia."""
    networks = []
    for item in _comma_separated(value):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                "OSEZIA_TRUSTED_PROXIES must list IP addresses or networks such as 10.0.0.0/8, "
                f"got {item!r}"
            ) from None
    return tuple(networks)


def _origins(value: object) -> object:
    """Comma-separated: "*" for any page, or origins such as https://app.example.org."""
    origins = _comma_separated(value)
    for origin in origins:
        if origin != "*" and not _is_origin(origin):
            raise ValueError(
                "OSEZIA_ALLOWED_ORIGINS must list origins such as https://app.example.org "
                f"(scheme, host and optional port, nothing after), or *, got {origin!r}"
            )
    return origins


def _redis_url(value: object) -> object:
    """REDIS_URL, or None when it is not set. Set but empty is a mistake (a blank line in an
    env file, a variable left over from a template), never a quiet fallback to no Redis."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError("REDIS_URL is set but empty: unset it or give a redis:// URL")
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"REDIS_URL must start with redis://, got {value!r}")
    return value


def _http_url(url: str, name: str, *, https: bool) -> str:
    parts = urlsplit(url)
    schemes = {"https"} if https else {"http", "https"}
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment:
        wanted = "an https:// URL" if https else "an http(s):// URL"
        raise ValueError(f"{name} must be {wanted} with no query or fragment, got {url!r}")
    return url


def _public_url(value: str, info: ValidationInfo) -> str:
    """An https:// URL in production (tokens could be replaced on the way over plain HTTP)."""
    production = info.data.get("environment") == "production"
    return _http_url(value, "OSEZIA_PUBLIC_URL", https=production).rstrip("/")


def _default_public_url(data: dict[str, Any]) -> str:
    host = data.get("host", "127.0.0.1")
    return f"http://{'127.0.0.1' if host in {'0.0.0.0', '::', ''} else host}:{data.get('port')}"


def _audience(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("OSEZIA_AUDIENCE must not be empty (default: osezia-api)")
    return value


def _replaced_issuer(value: object) -> object:
    if value:
        raise ValueError(
            "OSEZIA_ISSUER was replaced by OSEZIA_PUBLIC_URL: set OSEZIA_PUBLIC_URL to the "
            "address clients reach osezia at (it becomes the tokens' issuer)"
        )
    return None


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

    port: Annotated[int, BeforeValidator(_tcp_port)] = _env("OSEZIA_PORT", default=8000)
    environment: Annotated[
        Literal["development", "production"], _one_of("development", "production")
    ] = _env("OSEZIA_ENV", default="development")
    database_url: Annotated[str | None, BeforeValidator(_database_url)] = _env(
        "DATABASE_URL", default=None
    )
    redis_url: Annotated[str | None, BeforeValidator(_redis_url)] = _env("REDIS_URL", default=None)
    # Refused with its successor named; never set on a valid Settings.
    replaced_issuer: Annotated[None, BeforeValidator(_replaced_issuer)] = _env(
        "OSEZIA_ISSUER", default=None, exclude=True, repr=False
    )
    audience: Annotated[str, BeforeValidator(_audience)] = _env(
        "OSEZIA_AUDIENCE", default="osezia-api"
    )
    token_lifetime: Annotated[int, _whole(60, 3600)] = _env("OSEZIA_TOKEN_LIFETIME", default=900)
    # An access token valid for longer than this is refused, ours and an OpenID provider's.
    max_token_lifetime: Annotated[int, _whole(60, 86_400), EmptyIsUnset] = _env(
        "OSEZIA_MAX_TOKEN_LIFETIME", default=DEFAULT_MAX_TOKEN_LIFETIME
    )
    dev_tenant_header: Annotated[bool, BeforeValidator(_flag), EmptyIsUnset] = _env(
        "OSEZIA_DEV_TENANT_HEADER", default=False
    )
    host: str = _env("OSEZIA_HOST", default="127.0.0.1")
    # Where clients reach osezia: the tokens' `iss`, the token endpoint that `private_key_jwt`
    # assertions name as `aud`, the address the CLI prints. Never taken from request headers.
    # Default: where the server listens; required in production.
    public_url: Annotated[str, AfterValidator(_public_url), EmptyIsUnset] = _env(
        "OSEZIA_PUBLIC_URL", default_factory=_default_public_url
    )
    # An external OpenID Connect provider whose access tokens the API accepts (`oidc`).
    oidc_issuer: Annotated[str | None, EmptyIsUnset] = _env("OSEZIA_OIDC_ISSUER", default=None)
    oidc_jwks_url: Annotated[str | None, EmptyIsUnset] = _env("OSEZIA_OIDC_JWKS_URL", default=None)
    oidc_audience: Annotated[str | None, EmptyIsUnset] = _env("OSEZIA_OIDC_AUDIENCE", default=None)
    oidc_tenant_claim: Annotated[str, EmptyIsUnset] = _env(
        "OSEZIA_OIDC_TENANT_CLAIM", default="osezia_tenant"
    )
    oidc_roles_claim: Annotated[str, EmptyIsUnset] = _env(
        "OSEZIA_OIDC_ROLES_CLAIM", default="osezia_roles"
    )
    oidc_client_id: Annotated[str | None, EmptyIsUnset] = _env(
        "OSEZIA_OIDC_CLIENT_ID", default=None
    )
    oidc_client_secret: Annotated[str | None, EmptyIsUnset] = _env(
        "OSEZIA_OIDC_CLIENT_SECRET", default=None, repr=False
    )
    oidc_metadata_url: Annotated[str | None, EmptyIsUnset] = _env(
        "OSEZIA_OIDC_METADATA_URL", default=None
    )
    oidc_scopes: Annotated[str, EmptyIsUnset] = _env("OSEZIA_OIDC_SCOPES", default="openid profile")
    secret_overlap: Annotated[int, _whole(0, 30 * 86_400), EmptyIsUnset] = _env(
        "OSEZIA_SECRET_OVERLAP", default=DEFAULT_SECRET_OVERLAP
    )
    # Requests per minute to /oauth/token, per client id and per source address.
    token_rate_per_client: Annotated[int, _whole(1, 100_000, unit="requests"), EmptyIsUnset] = _env(
        "OSEZIA_TOKEN_RATE_PER_CLIENT", default=60
    )
    token_rate_per_address: Annotated[int, _whole(1, 100_000, unit="requests"), EmptyIsUnset] = (
        _env("OSEZIA_TOKEN_RATE_PER_ADDRESS", default=300)
    )
    # Peers whose X-Forwarded-For is believed (a load balancer's addresses); nobody else's is.
    trusted_proxies: Annotated[tuple[Network, ...], BeforeValidator(_proxies)] = _env(
        "OSEZIA_TRUSTED_PROXIES", default=()
    )
    # How long a worker's run holds a rebuild (arq's job timeout): a dead worker's rebuild is
    # taken over this long, plus 10 s, after it died.
    rebuild_lease_seconds: Annotated[int, _whole(4, 3600), EmptyIsUnset] = _env(
        "OSEZIA_REBUILD_LEASE", default=DEFAULT_REBUILD_LEASE
    )
    # Signs the dashboard's session cookie (a person signed in through the OpenID provider);
    # required in production when people sign in. Kept out of the repr, like a password.
    session_secret: Annotated[
        str | None,
        _secret(
            SESSION_SECRET_MIN_LENGTH, "a random secret that signs the dashboard's session cookie"
        ),
    ] = _env("OSEZIA_SESSION_SECRET", default=None, repr=False)
    response_cache: Annotated[bool, BeforeValidator(_flag), EmptyIsUnset] = _env(
        "OSEZIA_RESPONSE_CACHE", default=True
    )
    # A bearer token Prometheus sends to read /metrics; kept out of the repr, like a password.
    metrics_token: Annotated[
        str | None,
        _secret(
            METRICS_TOKEN_MIN_LENGTH,
            "a random secret that Prometheus sends as a bearer token",
            ascii_only=True,
        ),
    ] = _env("OSEZIA_METRICS_TOKEN", default=None, repr=False)
    # Pages that may open a websocket, besides our own.
    allowed_origins: Annotated[tuple[str, ...], BeforeValidator(_origins)] = _env(
        "OSEZIA_ALLOWED_ORIGINS", default=()
    )
    # A larger request body is refused (413) unread.
    max_body_bytes: Annotated[int, _whole(1024, 1024**3, unit="bytes"), EmptyIsUnset] = _env(
        "OSEZIA_MAX_BODY_BYTES", default=DEFAULT_MAX_BODY_BYTES
    )
    # Login roles managed outside osezia, in place of those derived from DATABASE_URL
    # (osezia.projections.roles); kept out of the repr, like passwords.
    reader_url: Annotated[str | None, BeforeValidator(_database_url)] = _env(
        "DATABASE_READER_URL", default=None, repr=False
    )
    writer_url: Annotated[str | None, BeforeValidator(_database_url)] = _env(
        "DATABASE_WRITER_URL", default=None, repr=False
    )
    service_url: Annotated[str | None, BeforeValidator(_database_url)] = _env(
        "DATABASE_SERVICE_URL", default=None, repr=False
    )
    # "json": one JSON object a line (the default in production); "text": for a person's terminal.
    log_format: Annotated[Literal["json", "text"], _one_of("json", "text"), EmptyIsUnset] = _env(
        "OSEZIA_LOG_FORMAT",
        default_factory=lambda data: "json" if data.get("environment") == "production" else "text",
    )
    # The port on which `osezia project` and `osezia worker` serve /metrics and /healthz;
    # None: the role's own default.
    metrics_port: Annotated[int | None, BeforeValidator(_tcp_port), EmptyIsUnset] = _env(
        "OSEZIA_METRICS_PORT", default=None
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
            raise ValueError(
                "OSEZIA_DEV_TENANT_HEADER=1 is refused with OSEZIA_ENV=production: "
                "in production the API accepts access tokens only"
            )
        if (self.oidc_issuer is None) != (self.oidc_jwks_url is None):
            raise ValueError(
                "OSEZIA_OIDC_ISSUER and OSEZIA_OIDC_JWKS_URL go together: set both to accept an "
                "OpenID Connect provider's tokens, or neither"
            )
        if self.oidc_jwks_url is not None:
            # Keys fetched over plain HTTP could be replaced on the way: production requires TLS.
            _http_url(self.oidc_jwks_url, "OSEZIA_OIDC_JWKS_URL", https=self.is_production)
            if self.oidc_metadata_url is not None:
                _http_url(
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


def _is_origin(text: str) -> bool:
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  # raises on a port that is not a number in range
    except ValueError:
        return False
    return (
        parts.scheme in {"http", "https"}
        and bool(parts.hostname)
        and not (parts.username or parts.path or parts.query or parts.fragment)
    )
