"""Settings, read once from the environment and checked at start with a clear message."""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

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


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    redis_url: str | None
    host: str
    port: int
    environment: str
    # Where clients reach osezia: the tokens' `iss`, the token endpoint that `private_key_jwt`
    # assertions name as `aud`, the address the CLI prints. Never taken from request headers.
    public_url: str = "http://127.0.0.1:8000"
    audience: str = "osezia-api"
    token_lifetime: int = 900  # seconds
    # An access token valid for longer than this is refused, ours and an OpenID provider's.
    max_token_lifetime: int = DEFAULT_MAX_TOKEN_LIFETIME
    secret_overlap: int = DEFAULT_SECRET_OVERLAP
    # Requests per minute to /oauth/token, per client id and per source address.
    token_rate_per_client: int = 60
    token_rate_per_address: int = 300
    # Peers whose X-Forwarded-For is believed (a load balancer's addresses); nobody else's is.
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    # How long a worker's run holds a rebuild (arq's job timeout): a dead worker's rebuild is
    # taken over this long, plus 10 s, after it died.
    rebuild_lease_seconds: int = DEFAULT_REBUILD_LEASE
    # Signs the dashboard's session cookie (a person signed in through the OpenID provider);
    # required in production when people sign in. Kept out of the repr, like a password.
    session_secret: str | None = field(default=None, repr=False)
    dev_tenant_header: bool = False
    oidc: OidcProvider | None = None
    response_cache: bool = True
    # A bearer token Prometheus sends to read /metrics; kept out of the repr, like a password.
    metrics_token: str | None = field(default=None, repr=False)
    allowed_origins: tuple[str, ...] = ()  # pages that may open a websocket, besides our own
    # Login roles managed outside osezia, in place of those derived from DATABASE_URL
    # (osezia.projections.roles); kept out of the repr, like passwords.
    reader_url: str | None = field(default=None, repr=False)
    writer_url: str | None = field(default=None, repr=False)
    service_url: str | None = field(default=None, repr=False)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES  # a larger request body is refused (413) unread
    # "json": one JSON object a line (the default in production); "text": for a person's terminal.
    log_format: str = "text"
    # The port on which `osezia project` and `osezia worker` serve /metrics and /healthz;
    # None: the role's own default.
    metrics_port: int | None = None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

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


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    port_text = env.get("OSEZIA_PORT", "8000")
    if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        raise SettingsError(f"OSEZIA_PORT must be a TCP port (1–65535), got {port_text!r}")
    environment = env.get("OSEZIA_ENV", "development")
    if environment not in {"development", "production"}:
        raise SettingsError(
            f"OSEZIA_ENV must be 'development' or 'production', got {environment!r}"
        )
    database_url = env.get("DATABASE_URL") or None
    if database_url is not None:
        Database.from_url(database_url)  # fail now, with the message, not at first query
    redis_url = _redis_url(env)
    if env.get("OSEZIA_ISSUER"):
        raise SettingsError(
            "OSEZIA_ISSUER was replaced by OSEZIA_PUBLIC_URL: set OSEZIA_PUBLIC_URL to the "
            "address clients reach osezia at (it becomes the tokens' issuer)"
        )
    audience = env.get("OSEZIA_AUDIENCE", "osezia-api").strip()
    if not audience:
        raise SettingsError("OSEZIA_AUDIENCE must not be empty (default: osezia-api)")
    lifetime_text = env.get("OSEZIA_TOKEN_LIFETIME", "900")
    if not (lifetime_text.isascii() and lifetime_text.isdigit()) or not (
        60 <= int(lifetime_text) <= 3600
    ):
        raise SettingsError(
            f"OSEZIA_TOKEN_LIFETIME must be a number of seconds from 60 to 3600, "
            f"got {lifetime_text!r}"
        )
    max_lifetime = _seconds(
        env, "OSEZIA_MAX_TOKEN_LIFETIME", DEFAULT_MAX_TOKEN_LIFETIME, low=60, high=86_400
    )
    if int(lifetime_text) > max_lifetime:
        raise SettingsError(
            f"OSEZIA_TOKEN_LIFETIME ({lifetime_text} s) exceeds OSEZIA_MAX_TOKEN_LIFETIME "
            f"({max_lifetime} s): the tokens osezia issues would be refused by osezia itself"
        )
    dev_header = env.get("OSEZIA_DEV_TENANT_HEADER", "0") or "0"
    if dev_header not in {"0", "1"}:
        raise SettingsError(f"OSEZIA_DEV_TENANT_HEADER must be 0 or 1, got {dev_header!r}")
    if dev_header == "1" and environment == "production":
        raise SettingsError(
            "OSEZIA_DEV_TENANT_HEADER=1 is refused with OSEZIA_ENV=production: "
            "in production the API accepts access tokens only"
        )
    host = env.get("OSEZIA_HOST", "127.0.0.1")
    if environment == "production" and not env.get("OSEZIA_PUBLIC_URL"):
        raise SettingsError(
            "OSEZIA_PUBLIC_URL is required with OSEZIA_ENV=production: the https:// address "
            "clients reach osezia at, such as https://osezia.example.gouv.fr"
        )
    default_url = f"http://{'127.0.0.1' if host in {'0.0.0.0', '::', ''} else host}:{port_text}"
    public_url = _http_url(
        env, "OSEZIA_PUBLIC_URL", default_url, https=environment == "production"
    ).rstrip("/")
    oidc = _oidc_provider(env, audience, production=environment == "production")
    if (
        environment == "production"
        and oidc is not None
        and oidc.client_id
        and not env.get("OSEZIA_SESSION_SECRET")
    ):
        raise SettingsError(
            "OSEZIA_SESSION_SECRET is required with OSEZIA_OIDC_CLIENT_ID in production: "
            "every replica signs the dashboard's session cookie with it"
        )
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        host=host,
        port=int(port_text),
        environment=environment,
        public_url=public_url,
        audience=audience,
        token_lifetime=int(lifetime_text),
        max_token_lifetime=max_lifetime,
        secret_overlap=_seconds(
            env, "OSEZIA_SECRET_OVERLAP", DEFAULT_SECRET_OVERLAP, low=0, high=30 * 86_400
        ),
        token_rate_per_client=_seconds(
            env, "OSEZIA_TOKEN_RATE_PER_CLIENT", 60, low=1, high=100_000, unit="requests"
        ),
        token_rate_per_address=_seconds(
            env, "OSEZIA_TOKEN_RATE_PER_ADDRESS", 300, low=1, high=100_000, unit="requests"
        ),
        trusted_proxies=_trusted_proxies(env),
        rebuild_lease_seconds=_seconds(
            env, "OSEZIA_REBUILD_LEASE", DEFAULT_REBUILD_LEASE, low=4, high=3600
        ),
        session_secret=_session_secret(env),
        dev_tenant_header=dev_header == "1",
        oidc=oidc,
        response_cache=_flag(env, "OSEZIA_RESPONSE_CACHE", default="1"),
        metrics_token=_metrics_token(env),
        allowed_origins=_origins(env),
        max_body_bytes=_max_body_bytes(env),
        reader_url=_role_url(env, "DATABASE_READER_URL"),
        writer_url=_role_url(env, "DATABASE_WRITER_URL"),
        service_url=_role_url(env, "DATABASE_SERVICE_URL"),
        log_format=_log_format(env, production=environment == "production"),
        metrics_port=_optional_port(env, "OSEZIA_METRICS_PORT"),
    )


def _log_format(env: Mapping[str, str], *, production: bool) -> str:
    text = env.get("OSEZIA_LOG_FORMAT") or ("json" if production else "text")
    if text not in {"json", "text"}:
        raise SettingsError(f"OSEZIA_LOG_FORMAT must be 'json' or 'text', got {text!r}")
    return text


def _optional_port(env: Mapping[str, str], name: str) -> int | None:
    text = env.get(name)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise SettingsError(f"{name} must be a TCP port (1–65535), got {text!r}")
    return int(text)


def _redis_url(env: Mapping[str, str]) -> str | None:
    """REDIS_URL, or None when it is not set. Set but empty is a mistake (a blank line in an
    env file, a variable left over from a template), never a quiet fallback to no Redis."""
    if "REDIS_URL" not in env:
        return None
    url = env["REDIS_URL"]
    if not url.strip():
        raise SettingsError("REDIS_URL is set but empty: unset it or give a redis:// URL")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"REDIS_URL must start with redis://, got {url!r}")
    return url


DATABASE_URL_REQUIRED = (
    "DATABASE_URL is required with OSEZIA_ENV=production: the embedded PostgreSQL is for "
    "development only"
)


def require_database_url(settings: Settings) -> None:
    """In production every command runs against DATABASE_URL: falling back on the embedded
    PostgreSQL there would write the plan's records into one container's disk, out of sight."""
    if settings.is_production and settings.database_url is None:
        raise SettingsError(DATABASE_URL_REQUIRED)


def _role_url(env: Mapping[str, str], name: str) -> str | None:
    url = env.get(name) or None
    if url is not None:
        try:
            Database.from_url(url)
        except SettingsError as error:
            raise SettingsError(str(error).replace("DATABASE_URL", name)) from None
    return url


def _http_url(env: Mapping[str, str], name: str, default: str, *, https: bool) -> str:
    url = env.get(name) or default
    parts = urlsplit(url)
    schemes = {"https"} if https else {"http", "https"}
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment:
        wanted = "an https:// URL" if https else "an http(s):// URL"
        raise SettingsError(f"{name} must be {wanted} with no query or fragment, got {url!r}")
    return url


def _oidc_provider(
    env: Mapping[str, str], audience: str, *, production: bool
) -> OidcProvider | None:
    issuer = env.get("OSEZIA_OIDC_ISSUER") or None
    jwks_url = env.get("OSEZIA_OIDC_JWKS_URL") or None
    if issuer is None and jwks_url is None:
        return None
    if issuer is None or jwks_url is None:
        raise SettingsError(
            "OSEZIA_OIDC_ISSUER and OSEZIA_OIDC_JWKS_URL go together: set both to accept an "
            "OpenID Connect provider's tokens, or neither"
        )
    # Keys fetched over plain HTTP could be replaced on the way: production requires TLS.
    return OidcProvider(
        issuer=issuer,
        jwks_url=_http_url(env, "OSEZIA_OIDC_JWKS_URL", jwks_url, https=production),
        audience=env.get("OSEZIA_OIDC_AUDIENCE") or audience,
        tenant_claim=env.get("OSEZIA_OIDC_TENANT_CLAIM") or "osezia_tenant",
        roles_claim=env.get("OSEZIA_OIDC_ROLES_CLAIM") or "osezia_roles",
        client_id=env.get("OSEZIA_OIDC_CLIENT_ID") or None,
        client_secret=env.get("OSEZIA_OIDC_CLIENT_SECRET") or None,
        metadata_url=(
            _http_url(env, "OSEZIA_OIDC_METADATA_URL", "", https=production)
            if env.get("OSEZIA_OIDC_METADATA_URL")
            else None
        ),
        scopes=env.get("OSEZIA_OIDC_SCOPES") or "openid profile",
    )


def _seconds(
    env: Mapping[str, str], name: str, default: int, *, low: int, high: int, unit: str = "seconds"
) -> int:
    """A whole number from ``low`` to ``high`` (seconds, or requests per minute)."""
    text = env.get(name) or str(default)
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        per = " per minute" if unit == "requests" else ""
        raise SettingsError(
            f"{name} must be a number of {unit}{per} from {low} to {high} (default {default}), "
            f"got {text!r}"
        )
    return int(text)


def _trusted_proxies(
    env: Mapping[str, str],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (10.0.0.0/8) of the proxies in front of osezia."""
    networks = []
    for text in (t.strip() for t in env.get("OSEZIA_TRUSTED_PROXIES", "").split(",")):
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise SettingsError(
                "OSEZIA_TRUSTED_PROXIES must list IP addresses or networks such as 10.0.0.0/8, "
                f"got {text!r}"
            ) from None
    return tuple(networks)


SESSION_SECRET_MIN_LENGTH = 32


def _session_secret(env: Mapping[str, str]) -> str | None:
    secret = env.get("OSEZIA_SESSION_SECRET") or None
    if secret is not None and len(secret) < SESSION_SECRET_MIN_LENGTH:
        raise SettingsError(
            f"OSEZIA_SESSION_SECRET must be at least {SESSION_SECRET_MIN_LENGTH} characters: "
            "a random secret that signs the dashboard's session cookie"
        )
    return secret


def _flag(env: Mapping[str, str], name: str, *, default: str) -> bool:
    value = env.get(name) or default
    if value not in {"0", "1"}:
        raise SettingsError(f"{name} must be 0 or 1, got {value!r}")
    return value == "1"


def _max_body_bytes(env: Mapping[str, str]) -> int:
    text = env.get("OSEZIA_MAX_BODY_BYTES") or str(DEFAULT_MAX_BODY_BYTES)
    if not (text.isascii() and text.isdigit()) or not 1024 <= int(text) <= 1024**3:
        raise SettingsError(
            f"OSEZIA_MAX_BODY_BYTES must be a number of bytes from 1024 to 1073741824 "
            f"(default {DEFAULT_MAX_BODY_BYTES}), got {text!r}"
        )
    return int(text)


METRICS_TOKEN_MIN_LENGTH = 16


def _metrics_token(env: Mapping[str, str]) -> str | None:
    token = env.get("OSEZIA_METRICS_TOKEN") or None
    if token is not None and (
        len(token) < METRICS_TOKEN_MIN_LENGTH or not (token.isascii() and token.isprintable())
    ):
        raise SettingsError(
            f"OSEZIA_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LENGTH} printable ASCII "
            "characters: a random secret that Prometheus sends as a bearer token"
        )
    return token


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    """Comma-separated: "*" for any page, or origins such as https://app.example.org."""
    origins = []
    for origin in (o.strip() for o in env.get("OSEZIA_ALLOWED_ORIGINS", "").split(",")):
        if origin and origin != "*" and not _is_origin(origin):
            raise SettingsError(
                "OSEZIA_ALLOWED_ORIGINS must list origins such as https://app.example.org "
                f"(scheme, host and optional port, nothing after), or *, got {origin!r}"
            )
        if origin:
            origins.append(origin)
    return tuple(origins)


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
