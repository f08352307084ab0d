"""Expected failures as members of result unions: a stable code and a message to read."""

from __future__ import annotations

import strawberry

from osezia.domain.errors import DomainError


@strawberry.type(
    description="Why a command was refused. `code` is stable; `message` is for people."
)
class Problem:
    code: str
    message: str

    @classmethod
    def of(cls, error: DomainError) -> Problem:
        return cls(code=error.code, message=error.message)
