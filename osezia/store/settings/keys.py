"""The key store's settings: where its database is (OSEZIA_KEYS_URL), read from the environment
like the others, checked on first use (osezia.store.keys_setup)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from osezia.store.settings.database import Database, SettingsError


def _postgresql_url(value: object) -> object:
    """A postgresql:// URL, checked now rather than at the first query; empty is unset."""
    if value == "":
        return None
    if isinstance(value, str):
        try:
            Database.from_url(value)
        except SettingsError as error:
            raise ValueError(str(error).replace("DATABASE_URL", "OSEZIA_KEYS_URL")) from None
    return value


class KeysSettings(BaseSettings):
    """The key store's database: required in production, apart from DATABASE_URL's."""

    model_config = SettingsConfigDict(case_sensitive=True, frozen=True, extra="ignore")

    keys_url: Annotated[str | None, BeforeValidator(_postgresql_url)] = Field(
        default=None, validation_alias="OSEZIA_KEYS_URL", repr=False
    )


def load_keys_settings(environ: Mapping[str, str] | None = None) -> KeysSettings:
    """OSEZIA_KEYS_URL from ``environ`` (default: the process's environment), checked."""
    try:
        if environ is None:
            return KeysSettings()
        return KeysSettings.model_validate({"OSEZIA_KEYS_URL": environ.get("OSEZIA_KEYS_URL")})
    except ValidationError as invalid:
        cause = (invalid.errors()[0].get("ctx") or {}).get("error")
        raise SettingsError(str(cause) if cause else str(invalid)) from None
