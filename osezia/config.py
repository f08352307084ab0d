"""Settings, read once from the environment and checked at start with a clear message."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

# Seconds a connection to PostgreSQL may take to open (libpq's connect_timeout, asyncpg's
# timeout): a database that is down or does not answer is reported, not waited for.
CONNECT_TIMEOUT = 3
# What a command gives the database to answer before it starts (libpq's least is 2 seconds).
CHECK_TIMEOUT = 2


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
            "APPLICATION_RECORDER_TOPIC": "osezia.recorder:BinaryParameterRecorder",
        }

    def sqlalchemy_url(self) -> str:
        """The same database for alembic, through psycopg 3, with a connect timeout."""
        rest = self.url.split("://", 1)[1]
        if "connect_timeout=" not in rest:
            rest += ("&" if "?" in rest else "?") + f"connect_timeout={CONNECT_TIMEOUT}"
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


DEFAULT_MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    redis_url: str | None
    host: str
    port: int
    environment: str
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "osezia-api"
    token_lifetime: int = 900  # seconds
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

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def role_urls(self) -> dict[str, str | None]:
        """The configured login roles, by what they stand for (osezia.projections.roles)."""
        return {"reader": self.reader_url, "writer": self.writer_url, "service": self.service_url}

    @property
    def token_endpoint(self) -> str:
        return self.issuer.rstrip("/") + "/oauth/token"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    port_text = env.get("OSEZIA_PORT", "8000")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"OSEZIA_PORT must be a TCP port (1–65535), got {port_text!r}")
    environment = env.get("OSEZIA_ENV", "development")
    if environment not in {"development", "production"}:
        raise SettingsError(
            f"OSEZIA_ENV must be 'development' or 'production', got {environment!r}"
        )
    database_url = env.get("DATABASE_URL") or None
    if database_url is not None:
        Database.from_url(database_url)  # fail now, with the message, not at first query
    redis_url = env.get("REDIS_URL") or None
    if redis_url is not None and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"REDIS_URL must start with redis://, got {redis_url!r}")
    issuer = _http_url(env, "OSEZIA_ISSUER", "http://127.0.0.1:8000", https=False)
    audience = env.get("OSEZIA_AUDIENCE", "osezia-api").strip()
    if not audience:
        raise SettingsError("OSEZIA_AUDIENCE must not be empty (default: osezia-api)")
    lifetime_text = env.get("OSEZIA_TOKEN_LIFETIME", "900")
    if not lifetime_text.isdigit() or not 60 <= int(lifetime_text) <= 3600:
        raise SettingsError(
            f"OSEZIA_TOKEN_LIFETIME must be a number of seconds from 60 to 3600, "
            f"got {lifetime_text!r}"
        )
    dev_header = env.get("OSEZIA_DEV_TENANT_HEADER", "0") or "0"
    if dev_header not in {"0", "1"}:
        raise SettingsError(f"OSEZIA_DEV_TENANT_HEADER must be 0 or 1, got {dev_header!r}")
    if dev_header == "1" and environment == "production":
        raise SettingsError(
            "OSEZIA_DEV_TENANT_HEADER=1 is refused with OSEZIA_ENV=production: "
            "in production the API accepts access tokens only"
        )
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        host=env.get("OSEZIA_HOST", "127.0.0.1"),
        port=int(port_text),
        environment=environment,
        issuer=issuer,
        audience=audience,
        token_lifetime=int(lifetime_text),
        dev_tenant_header=dev_header == "1",
        oidc=_oidc_provider(env, audience, production=environment == "production"),
        response_cache=_flag(env, "OSEZIA_RESPONSE_CACHE", default="1"),
        metrics_token=_metrics_token(env),
        allowed_origins=_origins(env),
        max_body_bytes=_max_body_bytes(env),
        reader_url=_role_url(env, "DATABASE_READER_URL"),
        writer_url=_role_url(env, "DATABASE_WRITER_URL"),
        service_url=_role_url(env, "DATABASE_SERVICE_URL"),
    )


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
    )


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
