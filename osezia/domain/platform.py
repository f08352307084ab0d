"""The composition root of the write side: every application, sharing one store."""

from __future__ import annotations

from eventsourcing.utils import EnvType

from osezia.domain.companies.application import Companies


class Platform:
    """The platform's write API: one application per area, one connection pool, one log."""

    def __init__(self, env: EnvType) -> None:
        self.companies = Companies(env=env)

    def close(self) -> None:
        self.companies.close()
