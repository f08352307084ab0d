"""What a value read from the environment must be: a whole number in range, a TCP port, a
flag, a URL, a list; each refused with a message that names its variable."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticUseDefault

from osezia.store.settings.database import Database, SettingsError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def variable(info: ValidationInfo) -> str:
    """The environment variable a field is read from."""
    from osezia.store.settings import Settings  # the class these checks are the fields of

    name = info.field_name or ""
    alias = Settings.model_fields[name].validation_alias if name else None
    return alias if isinstance(alias, str) else name


def empty_is_unset(value: object) -> object:
    """Set but empty is as if unset: the default (a blank line in an env file)."""
    if value == "":
        raise PydanticUseDefault
    return value


# Last in an Annotated[...]: pydantic runs before-validators from the last to the first.
EmptyIsUnset = BeforeValidator(empty_is_unset)


def whole(low: int, high: int, *, unit: str = "seconds") -> BeforeValidator:
    """A whole number in plain ASCII digits from `low` to `high` (int() would take '²' or
    full-width digits)."""

    def check(value: object, info: ValidationInfo) -> int:
        if isinstance(value, int):  # given in code, not read from the environment
            return value
        text = str(value)
        if text.isascii() and text.isdigit() and low <= int(text) <= high:
            return int(text)
        per = " per minute" if unit == "requests" else ""
        from osezia.store.settings import Settings

        default = Settings.model_fields[info.field_name or ""].default
        raise ValueError(
            f"{variable(info)} must be a number of {unit}{per} from {low} to {high} "
            f"(default {default}), got {text!r}"
        )

    return BeforeValidator(check)


def tcp_port(value: object, info: ValidationInfo) -> int:
    if isinstance(value, int):  # given in code, not read from the environment
        return value
    text = str(value)
    if text.isascii() and text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    raise ValueError(f"{variable(info)} must be a TCP port (1–65535), got {text!r}")


def one_of(*choices: str) -> BeforeValidator:
    def check(value: object, info: ValidationInfo) -> object:
        if value in choices:
            return value
        allowed = " or ".join(repr(c) for c in choices)
        raise ValueError(f"{variable(info)} must be {allowed}, got {value!r}")

    return BeforeValidator(check)


def flag(value: object, info: ValidationInfo) -> bool:
    if isinstance(value, bool):
        return value
    if value not in {"0", "1"}:
        raise ValueError(f"{variable(info)} must be 0 or 1, got {value!r}")
    return value == "1"


def database_url(value: object, info: ValidationInfo) -> object:
    """A postgresql:// URL, checked now rather than at the first query; empty is unset."""
    if value == "":
        return None
    if isinstance(value, str):
        try:
            Database.from_url(value)
        except SettingsError as error:
            raise ValueError(str(error).replace("DATABASE_URL", variable(info))) from None
    return value


def secret(minimum: int, what: str, *, ascii_only: bool = False) -> BeforeValidator:
    def check(value: object, info: ValidationInfo) -> object:
        if value == "" or value is None:
            return None
        text = str(value)
        if len(text) < minimum or (ascii_only and not (text.isascii() and text.isprintable())):
            kind = "printable ASCII characters" if ascii_only else "characters"
            raise ValueError(f"{variable(info)} must be at least {minimum} {kind}: {what}")
        return text

    return BeforeValidator(check)


def comma_separated(value: object) -> tuple[Any, ...]:
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def proxies(value: object) -> object:
    """Comma-separated addresses or networks (10.0.0.0/8) of the proxies in front of osezia."""
    networks = []
    for item in comma_separated(value):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                "OSEZIA_TRUSTED_PROXIES must list IP addresses or networks such as 10.0.0.0/8, "
                f"got {item!r}"
            ) from None
    return tuple(networks)


def origins(value: object) -> object:
    """Comma-separated: "*" for any page, or origins such as https://app.example.org."""
    origins = comma_separated(value)
    for origin in origins:
        if origin != "*" and not is_origin(origin):
            raise ValueError(
                "OSEZIA_ALLOWED_ORIGINS must list origins such as https://app.example.org "
                f"(scheme, host and optional port, nothing after), or *, got {origin!r}"
            )
    return origins


def redis_url(value: object) -> object:
    """REDIS_URL, or None when it is not set. Set but empty is a mistake (a blank line in an
    env file, a variable left over from a template), never a quiet fallback to no Redis."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError("REDIS_URL is set but empty: unset it or give a redis:// URL")
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"REDIS_URL must start with redis://, got {value!r}")
    return value


def http_url(url: str, name: str, *, https: bool) -> str:
    parts = urlsplit(url)
    schemes = {"https"} if https else {"http", "https"}
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment:
        wanted = "an https:// URL" if https else "an http(s):// URL"
        raise ValueError(f"{name} must be {wanted} with no query or fragment, got {url!r}")
    return url


def public_url(value: str, info: ValidationInfo) -> str:
    """An https:// URL in production (tokens could be replaced on the way over plain HTTP)."""
    production = info.data.get("environment") == "production"
    return http_url(value, "OSEZIA_PUBLIC_URL", https=production).rstrip("/")


def default_public_url(data: dict[str, Any]) -> str:
    host = data.get("host", "127.0.0.1")
    return f"http://{'127.0.0.1' if host in {'0.0.0.0', '::', ''} else host}:{data.get('port')}"


def audience(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("OSEZIA_AUDIENCE must not be empty (default: osezia-api)")
    return value


def replaced_issuer(value: object) -> object:
    if value:
        raise ValueError(
            "OSEZIA_ISSUER was replaced by OSEZIA_PUBLIC_URL: set OSEZIA_PUBLIC_URL to the "
            "address clients reach osezia at (it becomes the tokens' issuer)"
        )
    return None


def is_origin(text: str) -> bool:
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
